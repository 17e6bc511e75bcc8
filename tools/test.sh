#!/usr/bin/env bash
# Builds everything (the native shim included) and runs every test project of the solution.
# Ends with one line "N passed, N failed": the totals over all test projects.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
results="$root/TestResults"
rm -rf "$results"

dotnet test LatentMas.Native.sln --logger "trx;LogFilePrefix=results" --results-directory "$results" "$@"
status=$?

passed=0
failed=0
shopt -s nullglob
for trx in "$results"/*.trx; do
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
    p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
done
if [[ $status -ne 0 && $failed -eq 0 ]]; then
    failed=1  # the build or a test host failed before any test could report
fi
echo "$passed passed, $failed failed"
exit $status
