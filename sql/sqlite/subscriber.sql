-- iwg: the subscriber table of Kamailio 5.6's auth_db (digest
-- authentication of browsers, WITH_AUTH_DIGEST). Table version 7, as
-- auth_db checks at startup. Passwords are not stored: ha1 is
-- MD5(username:realm:password), ha1b MD5(username@domain:realm:password);
-- sql/subscriber.sh fills them. Applied by sql/create-sqlite.sh.
-- Needs the version table of sqlite/usrloc.sql (applied first by
-- sql/create-sqlite.sh).
-- SPDX-License-Identifier: GPL-2.0-or-later

CREATE TABLE IF NOT EXISTS subscriber (
    id INTEGER PRIMARY KEY NOT NULL,
    username VARCHAR(64) DEFAULT '' NOT NULL,
    domain VARCHAR(64) DEFAULT '' NOT NULL,
    password VARCHAR(64) DEFAULT '' NOT NULL,
    ha1 VARCHAR(128) DEFAULT '' NOT NULL,
    ha1b VARCHAR(128) DEFAULT '' NOT NULL,
    CONSTRAINT subscriber_account_idx UNIQUE (username, domain)
);
CREATE INDEX IF NOT EXISTS subscriber_username_idx ON subscriber (username);

INSERT OR IGNORE INTO version (table_name, table_version) VALUES ('subscriber', 7);
