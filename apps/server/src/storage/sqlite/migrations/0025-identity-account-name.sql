-- Linked accounts: the login or address at the provider (a GitHub login, an email), shown in
-- Settings and kept current at each sign-in. NULL for identities linked before this column.
ALTER TABLE identities ADD COLUMN account_name TEXT;
