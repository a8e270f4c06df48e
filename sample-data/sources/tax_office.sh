#!/bin/sh
# A tax office for the sample data, offline and deterministic: prints the record of tax id
# $1 (riskdesk's {key}) as one JSON object, as riskdesk's generator wrote it to
# external_records.csv (sample-data's, or the file $2), or says on stderr that it knows no
# such tax id and exits 1. riskdesk runs it without a shell:
#   source add tax_office --command 'sample-data/sources/tax_office.sh {key}' --ttl 30
set -u
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: tax_office.sh TAX_ID [external_records.csv]" >&2
	exit 2
fi
case $0 in
*/*) dir=${0%/*} ;;
*) dir=. ;;
esac
file=${2:-$dir/../external_records.csv}
if ! KEY=$1 SOURCE=tax_office awk -f "$dir/lookup.awk" "$file"; then
	printf 'tax office: no taxpayer with tax id %s\n' "$1" >&2
	exit 1
fi
