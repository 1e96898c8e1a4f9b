#!/bin/sh
# Prints a .env file for docker-compose.yml: new random keys and passwords.
#
#   packaging/compose-env.sh > .env && chmod 600 .env
#
# Run it once. Keep .env, and a copy of it apart from the database's backups: without
# TOKENSMITH_PEPPER no token verifies, without TOKENSMITH_MASTER_KEYS no stored secret can be shown.
set -eu

random_base64() {
  head -c "$1" /dev/urandom | base64 | tr -d '\n'
}

# Passwords of letters and digits only, so that no quoting is ever needed.
random_password() {
  head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "$1"
}

printf 'DB_PASSWORD=%s\n' "$(random_password 32)"
printf 'TOKENSMITH_MASTER_KEYS=v1:%s\n' "$(random_base64 32)"
printf 'TOKENSMITH_PEPPER=%s\n' "$(random_base64 32)"
printf 'TOKENSMITH_ADMIN_EMAIL=admin@localhost\n'
printf 'TOKENSMITH_ADMIN_PASSWORD=%s\n' "$(random_password 24)"
