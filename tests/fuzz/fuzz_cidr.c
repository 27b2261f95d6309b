/* libFuzzer target: network lists and networks from text (lib/cidr),
 * each parsed network matched against fixed addresses. */
#include <stddef.h>
#include <stdint.h>

#include "cidr/cidr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char why[96];
	cidr_t k;

	(void)cidr_list_check(s, size, 16, 48, why, sizeof(why));
	if (cidr_parse(s, size, &k, why, sizeof(why)) == 0) {
		(void)cidr_match(&k, "192.0.2.7");
		(void)cidr_match(&k, "2001:db8::7");
	}
	return 0;
}
