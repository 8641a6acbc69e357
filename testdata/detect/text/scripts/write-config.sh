#!/bin/bash
# Writes the service's configuration files at deploy time.
set -euo pipefail
cat > /etc/orders/app.ini <<EOF
[database]
host = orders-db.internal
user = orders
password = IniHeredoc-72pQ
EOF
mysql --defaults-extra-file=/dev/stdin -e 'select 1' <<'CNF'
[client]
user=report
password=cnfHeredoc-19Zx
CNF
cat > /etc/orders/mail.yml <<-YML
	smtp:
	  host: smtp.internal
	  password: "ymlHeredoc-40Rd"
	YML
