#!/bin/sh
# Print the path of a Python interpreter >= 3.12, or explain what to install and exit 1.
# Order: $PYTHON, python3.13, python3.12, python3, then any pyenv-installed 3.12+.
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
for c in "${PYTHON:-}" python3.13 python3.12 python3; do
    [ -n "$c" ] || continue
    p=$(command -v "$c" 2>/dev/null) || continue
    if ok "$p"; then "$p" -c 'import sys; print(sys.executable)'; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1; then
    root=$(pyenv root)
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9]|[2-9][0-9])' | sort -rV); do
        p="$root/versions/$v/bin/python3"
        if [ -x "$p" ] && ok "$p"; then echo "$p"; exit 0; fi
    done
fi
echo "indusco-sim needs Python 3.12 or newer and found none (tried \$PYTHON, python3.13, python3.12, python3, pyenv)." >&2
echo "Install one (e.g. 'pyenv install 3.12' or 'apt-get install python3.12 python3.12-venv') or set PYTHON=/path/to/python3.12." >&2
exit 1
