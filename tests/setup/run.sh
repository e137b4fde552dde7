#!/usr/bin/env bash
# Runs the set-up script tests (tests/setup/test_*.sh, or those given), each in its own temporary
# cache; exits non-zero when one fails. setup/test.sh runs it; alone: bash tests/setup/run.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -gt 0 ] || set -- "$here"/test_*.sh
failed=()
for test in "$@"; do
    printf '\n--- %s\n' "${test##*/}"
    start=$SECONDS
    if bash "$test"; then
        printf -- '--- %s passed (%d s)\n' "${test##*/}" $((SECONDS - start))
    else
        printf -- '--- %s FAILED (%d s)\n' "${test##*/}" $((SECONDS - start))
        failed+=("${test##*/}")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    printf '\nset-up script tests FAILED: %s\n' "${failed[*]}"
    exit 1
fi
printf '\nset-up script tests: all %d passed\n' $#
