#!/usr/bin/env bash
# Seeds of the model fuzz targets, made with the built riskdesk so that they follow the
# current file format: small models of each algorithm trained on sample-data (and on German
# Credit, for categorical columns, when ../shared has it), exported whole and as the spec
# alone; `rules export` and `policy export`; hand-set bins of the fixture's attributes.
# usage: tests/fuzz/seeds.sh RISKDESK OUT_DIR
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$out"
mkdir -p "$out/fuzz_model_import" "$out/fuzz_rules_import" "$out/fuzz_policy_import" \
	"$out/fuzz_bins_import"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/riskdesk-seeds.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
train() { # db, prefix: one small model of each algorithm, exported
	"$bin" --db "$1" -c "train $2x --algo xgb --trees 3 --depth 2 --folds 2" \
		-c "train $2l --algo logit --folds 2" -c "train $2s --algo scorecard --folds 2" \
		-c "train $2r --algo rf --trees 3 --depth 3 --folds 2 --threads 1" \
		-c "model export $2x $out/fuzz_model_import/$2-xgb.model" \
		-c "model export $2r $out/fuzz_model_import/$2-rf.model" \
		-c "model export $2l $out/fuzz_model_import/$2-logit.model" \
		-c "model export $2s $out/fuzz_model_import/$2-scorecard.model" >/dev/null
}
"$bin" --db s.db -c "load $root/sample-data" -c "rules export $out/fuzz_rules_import/rules.json" \
	-c "policy export $out/fuzz_policy_import/policy.json" \
	-c "model export rules $out/fuzz_model_import/rules.model" >/dev/null
train s.db sample
german=$root/../shared/datasets/german/german.data
if [ -f "$german" ]; then
	"$bin" --db g.db -c "load customers $german --map $root/sample-data/mappings/german.json" \
		>/dev/null
	train g.db german
fi
# The spec alone (no metrics, no reference): smaller inputs, mutated where it matters.
for f in "$out"/fuzz_model_import/*-*.model; do
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d.pop("metrics", None)
d.pop("reference", None)
open(sys.argv[2], "w").write(json.dumps(d, indent=1))' "$f" "${f%.model}-spec.model"
done
# Hand-set bins of fuzz_bins_import's fixture (duration 1 ... 20, checking_status A11 ... A14).
cat >"$out/fuzz_bins_import/bins.json" <<'EOF'
{
  "duration": {"edges": [5, 10.5, 15]},
  "checking_status": {"groups": [["A11", "A12"], ["A13", "A14", "A15"]]}
}
EOF
