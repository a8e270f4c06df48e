#!/bin/sh
# A land registry for the sample data, offline and deterministic: prints the record of
# parcel $1 (riskdesk's {key}) as one JSON object, as riskdesk's generator wrote it to
# external_records.csv (sample-data's, or the file $2), or says on stderr that it knows no
# such parcel and exits 1. riskdesk runs it without a shell:
#   source add land_registry --command 'sample-data/sources/land_registry.sh {key}' --ttl 90
set -u
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: land_registry.sh PARCEL [external_records.csv]" >&2
	exit 2
fi
case $0 in
*/*) dir=${0%/*} ;;
*) dir=. ;;
esac
file=${2:-$dir/../external_records.csv}
if ! KEY=$1 SOURCE=land_registry awk -f "$dir/lookup.awk" "$file"; then
	printf 'land registry: no parcel %s\n' "$1" >&2
	exit 1
fi
