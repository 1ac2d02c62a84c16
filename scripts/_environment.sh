# Shared by serve.sh and test.sh: a Python 3.11 virtual environment in .venv, and Debian
# packages installed when missing (as root, or through sudo).

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Il faut les droits d'administration pour installer : $*" >&2; return 1; fi
}

apt_install() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

find_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      echo "$candidate"; return 0
    fi
  done
  echo "Python 3.11 est introuvable (paquet Debian python3)." >&2
  return 1
}

ensure_venv() {
  if [ ! -x .venv/bin/python ]; then
    python=$(find_python)
    # Debian ships venv's pip bootstrap separately (python3-venv).
    if ! "$python" -m venv .venv 2>/dev/null; then
      rm -rf .venv
      apt_install python3-venv
      "$python" -m venv .venv
    fi
  fi
  .venv/bin/python -m pip install --quiet --upgrade pip
}
