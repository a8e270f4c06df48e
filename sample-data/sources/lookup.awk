# The payload of one record of an external_records.csv as riskdesk's generator writes it
# (source,key,customer_id,"payload",fetched_at: the payload quoted, its quotes doubled, on
# one line): the record of source ENVIRON["SOURCE"] and key ENVIRON["KEY"] (from the
# environment, which awk takes as it is: -v would read escapes in the key). Exits 1 when
# there is none.
BEGIN {
	FS = ","
	source = ENVIRON["SOURCE"]
	key = ENVIRON["KEY"]
	found = 0
}
NR > 1 && $1 == source && $2 == key {
	head = length($1) + length($2) + length($3) + 3
	payload = substr($0, head + 1, length($0) - head - length($NF) - 1)
	if (substr(payload, 1, 1) == "\"") {
		payload = substr(payload, 2, length(payload) - 2)
		gsub(/""/, "\"", payload)
	}
	print payload
	found = 1
	exit
}
END {
	if (!found)
		exit 1
}
