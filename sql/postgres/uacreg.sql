-- iwg: the uacreg table of Kamailio 5.6's uac module (table version 5):
-- the registrations iwg keeps with carrier trunks (WITH_PSTN,
-- kamcfg/edge/pstn.cfg), one row per trunk account. l_uuid names the
-- trunk (the dispatcher list's attrs trunk=<l_uuid>); r_username and
-- r_domain are the account at the carrier, auth_* its digest credentials
-- (used for REGISTER and for the carrier's challenges to calls), expires
-- the registration's lifetime in seconds, flags 0. kamcmd uac.reg_reload
-- re-reads the table.
--   psql -d iwg -f sql/postgres/uacreg.sql (after postgres/usrloc.sql)
-- SPDX-License-Identifier: GPL-2.0-or-later

CREATE TABLE IF NOT EXISTS uacreg (
    id SERIAL PRIMARY KEY NOT NULL,
    l_uuid VARCHAR(64) DEFAULT '' NOT NULL,
    l_username VARCHAR(64) DEFAULT '' NOT NULL,
    l_domain VARCHAR(64) DEFAULT '' NOT NULL,
    r_username VARCHAR(64) DEFAULT '' NOT NULL,
    r_domain VARCHAR(64) DEFAULT '' NOT NULL,
    realm VARCHAR(64) DEFAULT '' NOT NULL,
    auth_username VARCHAR(64) DEFAULT '' NOT NULL,
    auth_password VARCHAR(64) DEFAULT '' NOT NULL,
    auth_ha1 VARCHAR(128) DEFAULT '' NOT NULL,
    auth_proxy VARCHAR(255) DEFAULT '' NOT NULL,
    expires INTEGER DEFAULT 0 NOT NULL,
    flags INTEGER DEFAULT 0 NOT NULL,
    reg_delay INTEGER DEFAULT 0 NOT NULL,
    contact_addr VARCHAR(255) DEFAULT '' NOT NULL,
    socket VARCHAR(128) DEFAULT '' NOT NULL,
    CONSTRAINT uacreg_l_uuid_idx UNIQUE (l_uuid)
);

INSERT INTO version (table_name, table_version) VALUES ('uacreg', 5)
    ON CONFLICT (table_name) DO NOTHING;
