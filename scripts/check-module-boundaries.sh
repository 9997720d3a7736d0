#!/usr/bin/env bash
# Fails when a file includes another module's internal/ headers (STYLE.md rule 2): a module's
# internal/ folder is private to that module.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
while IFS= read -r -d '' file; do
  module=$(echo "$file" | cut -d/ -f2)
  while IFS= read -r include; do
    target_module=$(echo "$include" | cut -d/ -f1)
    if [[ "$target_module" != "$module" ]]; then
      echo "$file includes $include: internal/ headers are private to module $target_module" >&2
      status=1
    fi
  done < <(grep -oE '#include "[^"]*/internal/[^"]*"' "$file" | sed -E 's/#include "(.*)"/\1/')
done < <(find src -name '*.h' -print0 -o -name '*.cc' -print0)
if ((status == 0)); then echo "module boundaries: ok"; fi
exit $status
