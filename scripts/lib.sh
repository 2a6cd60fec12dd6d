# Shared by scripts/run and scripts/test: system packages and the project's virtualenv.
# Sourced, not run. Keeps pip's cache: llama-cpp-python compiles for ~11 minutes once,
# then installs from the cached wheel in seconds.

# need_packages PKG...: install missing Debian/Ubuntu packages (as root), or print the command.
need_packages() {
  command -v dpkg-query >/dev/null 2>&1 || { echo "note: not a Debian/Ubuntu system; make sure these are installed: $*" >&2; return 0; }
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing system packages: ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Samantha needs these system packages. Please run:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    echo "then run this script again." >&2
    exit 1
  fi
}

# ensure_venv SPEC: .venv with the project installed as SPEC ("." or ".[test]"); reinstalls
# only when pyproject.toml changed since the last install.
ensure_venv() {
  local spec=$1 python=${PYTHON:-python3}
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || {
    echo "Samantha needs Python 3.10 or newer; $("$python" --version 2>&1) found." >&2; exit 1; }
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  local stamp=".venv/.installed-$(echo "$spec" | tr -dc 'a-z')-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "Installing Samantha into .venv (the first time compiles llama.cpp: ~11 minutes on 2 cores)..." >&2
    .venv/bin/python -m pip install -q --upgrade pip
    local off=""
    amx_cpu && off=" $NO_AMX"  # built without AMX from the start: see llama_without_amx
    CFLAGS="${CFLAGS:-}$off" CXXFLAGS="${CXXFLAGS:-}$off" .venv/bin/python -m pip install -q -e "$spec"
    touch "$stamp"
  fi
  llama_without_amx  # every time: a .venv made before it existed is mended too
}

NO_AMX="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
amx_cpu() { grep -qw amx_tile /proc/cpuinfo 2>/dev/null; }

# llama_without_amx: on a CPU with AMX (Xeon Sapphire Rapids and later), llama.cpp built for the
# machine (-march=native) runs its AMX kernels, which die with "Illegal instruction" (a tile
# instruction before the tiles are configured: an open llama.cpp bug). A first install there
# compiles without them; but pip's cache keys a built wheel by its source alone, so a wheel it
# built earlier with AMX (or a .venv made before this check) would still crash. Then it is built
# once more without them (~11 minutes) into the user cache. Everything else it does is unchanged.
llama_without_amx() {
  amx_cpu || return 0
  has_amx || return 0
  local version wheels="${XDG_CACHE_HOME:-$HOME/.cache}/samantha/wheels"
  version=$(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("llama-cpp-python"))')
  if ! compgen -G "$wheels/llama_cpp_python-$version-*.whl" >/dev/null; then
    echo "This CPU has AMX, whose llama.cpp kernels crash: building llama.cpp without them (~11 minutes, once)..." >&2
    CFLAGS="${CFLAGS:-} $NO_AMX" CXXFLAGS="${CXXFLAGS:-} $NO_AMX" \
      .venv/bin/python -m pip wheel -q --no-deps --no-cache-dir -w "$wheels" "llama-cpp-python==$version"
  fi
  .venv/bin/python -m pip install -q --no-deps --force-reinstall "$wheels"/llama_cpp_python-"$version"-*.whl
  if has_amx; then
    rm -f "$wheels"/llama_cpp_python-"$version"-*.whl
    echo "llama.cpp was built with AMX despite $NO_AMX (a compiler that ignores them?), and would crash on this CPU." >&2
    echo "Build llama-cpp-python yourself with CMAKE_ARGS=\"-DGGML_NATIVE=OFF -DGGML_AVX2=ON\", then run this again." >&2
    exit 1
  fi
}

# has_amx: does the installed llama.cpp run AMX kernels? (An import that fails is not a yes:
# that is pip's or the user's to see, not a reason to rebuild.)
has_amx() {
  local rc=0
  .venv/bin/python -c 'import sys, llama_cpp; sys.exit(3 if b"AMX_INT8 = 1" in llama_cpp.llama_print_system_info() else 0)' \
    2>/dev/null || rc=$?
  [ "$rc" -eq 3 ]
}

# espeak-ng speaks the test utterances of `samantha bench` (piper needs none: it ships its own).
BASE_PACKAGES=(python3-venv python3-dev build-essential libportaudio2 libasound2-plugins espeak-ng
               fonts-ebgaramond fonts-dejavu-core)  # the letters book's faces
