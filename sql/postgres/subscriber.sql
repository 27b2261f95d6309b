-- iwg: the subscriber table of Kamailio 5.6's auth_db (digest
-- authentication of browsers, WITH_AUTH_DIGEST), PostgreSQL. Table
-- version 7. Passwords are not stored: ha1 is MD5(username:realm:password),
-- ha1b MD5(username@domain:realm:password).
--   psql -d iwg -f sql/postgres/usrloc.sql -f sql/postgres/subscriber.sql
-- Needs the version table of postgres/usrloc.sql (apply that first).
-- SPDX-License-Identifier: GPL-2.0-or-later

CREATE TABLE IF NOT EXISTS subscriber (
    id SERIAL PRIMARY KEY NOT NULL,
    username VARCHAR(64) DEFAULT '' NOT NULL,
    domain VARCHAR(64) DEFAULT '' NOT NULL,
    password VARCHAR(64) DEFAULT '' NOT NULL,
    ha1 VARCHAR(128) DEFAULT '' NOT NULL,
    ha1b VARCHAR(128) DEFAULT '' NOT NULL,
    CONSTRAINT subscriber_account_idx UNIQUE (username, domain)
);
CREATE INDEX IF NOT EXISTS subscriber_username_idx ON subscriber (username);

INSERT INTO version (table_name, table_version) VALUES ('subscriber', 7)
    ON CONFLICT (table_name) DO NOTHING;
