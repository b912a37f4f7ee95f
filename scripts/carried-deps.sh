# Sourced by scripts/build (--cuda, --carried) and scripts/gpu-check: finds each C++ dependency of the
# build on this machine, and takes the ones it lacks from the Debian packages that scripts/gpu-deps
# packed into .gpu-deps/, unpacked into BUILD/deps (never over /).
#   carried_deps BUILD [quiet]   fills carried_configure (CMake arguments: a <Pkg>_DIR, include folder
#                                or library for each dependency taken from the carried copy) and
#                                carried_mpi (system, carried or none) and carried_ld_path (what a program
#                                linking the carried OpenMPI needs in LD_LIBRARY_PATH: Debian's libmpi names
#                                its folder under /usr by RUNPATH) and ours (`"${ours[@]}" PROGRAM` runs
#                                one of our programs with it), exports what a carried OpenMPI needs
#                                (OPAL_PREFIX, PMIX_INSTALL_PREFIX, PATH), and prints one line per dependency unless quiet.
# The path of an executable program on PATH, or nothing (`command -v` also names files that are not).
program() {
  local path
  path=$(command -v "$1") && [ -x "$path" ] && echo "$path"
}
carried_deps() {
  local build=$1 quiet=${2:-} root deps arch=x86_64-linux-gnu deb tool found lib wrapper
  root=$(pwd)
  case "$build" in /*) deps=$build/deps ;; *) deps=$root/$build/deps ;; esac
  carried_configure=()
  carried_mpi=none
  carried_ld_path=
  local have_carried=
  if compgen -G "$root/.gpu-deps/*.deb" >/dev/null; then
    have_carried=1
    # Unpacked once per set of packages; the .pc files name their real prefix, not /usr.
    if [ ! -f "$deps/.unpacked" ] || [ -n "$(find "$root/.gpu-deps" -newer "$deps/.unpacked" -name '*.deb')" ]; then
      rm -rf "$deps" && mkdir -p "$deps"
      for deb in "$root"/.gpu-deps/*.deb; do dpkg-deb -x "$deb" "$deps" 2>/dev/null || dpkg -x "$deb" "$deps"; done
      # Requires.private only serves static links, and names packages (openssl, zlib) nobody carries headers for.
      find "$deps" -name '*.pc' -exec sed -i "s|^prefix=/usr\$|prefix=$deps/usr|; /^Requires.private:/d" {} +
      # Some CMake files name /usr outright (libjpeg-turbo's targets); the rest find their prefix either way.
      find "$deps" -name '*.cmake' -exec sed -i "s|\"/usr/|\"$deps/usr/|g; s|\"/usr\"|\"$deps/usr\"|g" {} +
      touch "$deps/.unpacked"
    fi
  fi
  say_dep() { [ -n "$quiet" ] || printf '  %-14s %s\n' "$1" "$2"; }
  # The first file named $2 under the machine's usual prefixes ($1: include or cmake), or nothing.
  on_machine() {
    local dirs d
    if [ "$1" = include ]; then dirs=(/usr/include /usr/local/include)
    else dirs=(/usr/lib/$arch/cmake /usr/lib/cmake /usr/lib64/cmake /usr/share/cmake /usr/share /usr/local/lib/cmake
               /usr/local/share /usr/local/lib/$arch/cmake)
    fi
    for d in "${dirs[@]}"; do
      [ -d "$d" ] && find "$d" -maxdepth 3 -name "$2" -print -quit 2>/dev/null | grep . && return 0
    done
    return 1
  }
  carried() { [ -n "$have_carried" ] && find "$deps/usr" -name "$1" -print -quit 2>/dev/null | grep .; }
  # A dependency found by find_package(NAME CONFIG): NAME, its config file's names.
  config_dep() {
    local name=$1 file
    shift
    for file in "$@"; do
      if found=$(on_machine cmake "$file"); then say_dep "$name" "machine: $found"; return; fi
    done
    for file in "$@"; do
      if found=$(carried "$file"); then
        carried_configure+=("-D${name}_DIR=$(dirname "$found")")
        say_dep "$name" "carried: $found"
        return
      fi
    done
    say_dep "$name" "MISSING (not on this machine, not in .gpu-deps/: run scripts/gpu-deps)"
  }
  config_dep yaml-cpp yaml-cpp-config.cmake yaml-cppConfig.cmake
  config_dep fmt fmt-config.cmake fmtConfig.cmake
  config_dep CLI11 CLI11Config.cmake
  config_dep nlohmann_json nlohmann_jsonConfig.cmake
  config_dep SQLiteCpp SQLiteCppConfig.cmake
  config_dep libjpeg-turbo libjpeg-turboConfig.cmake
  config_dep Catch2 Catch2Config.cmake
  # SQLite (SQLiteCpp's config finds it with FindSQLite3), stb (find_path): a header and a library.
  if found=$(on_machine include sqlite3.h) && ldconfig -p 2>/dev/null | grep -q 'libsqlite3\.so '; then
    say_dep SQLite3 "machine: $found"
  elif found=$(carried sqlite3.h) && lib=$(carried libsqlite3.so); then
    carried_configure+=("-DSQLite3_INCLUDE_DIR=$(dirname "$found")" "-DSQLite3_LIBRARY=$lib")
    say_dep SQLite3 "carried: $found"
  else
    say_dep SQLite3 "MISSING"
  fi
  if found=$(on_machine include stb_image.h); then say_dep stb "machine: $found"
  elif found=$(carried stb_image.h); then
    carried_configure+=("-DBOKEH_STB_INCLUDE_DIR=$(dirname "$found")")
    say_dep stb "carried: $found"
  else say_dep stb "MISSING"
  fi
  # pkg-config, and cpp-httplib through it.
  if program pkg-config >/dev/null; then say_dep pkg-config "machine: $(program pkg-config)"
  elif [ -x "$deps/usr/bin/pkgconf" ]; then
    mkdir -p "$deps/bin"  # a wrapper that finds its libpkgconf
    printf '#!/bin/sh\nLD_LIBRARY_PATH=%s${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} exec %s "$@"\n' \
      "$deps/usr/lib/$arch" "$deps/usr/bin/pkgconf" >"$deps/bin/pkg-config"
    chmod +x "$deps/bin/pkg-config"
    carried_configure+=("-DPKG_CONFIG_EXECUTABLE=$deps/bin/pkg-config")
    say_dep pkg-config "carried: $deps/usr/bin/pkgconf"
  else say_dep pkg-config "MISSING"
  fi
  if found=$(on_machine include httplib.h) && pkg-config --exists cpp-httplib 2>/dev/null; then
    say_dep cpp-httplib "machine: $found"
  elif [ -f "$deps/usr/lib/$arch/pkgconfig/cpp-httplib.pc" ]; then
    export PKG_CONFIG_PATH="$deps/usr/lib/$arch/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
    say_dep cpp-httplib "carried: $deps/usr/lib/$arch/pkgconfig/cpp-httplib.pc"
  else say_dep cpp-httplib "MISSING"
  fi
  # MPI: the machine's when it has a compiler wrapper, mpirun and mpi.h; else the carried OpenMPI.
  wrapper=$(program mpicxx || program mpic++ || true)
  if [ -n "$wrapper" ] && [ "${wrapper#"$deps"/}" = "$wrapper" ] && program mpirun >/dev/null &&
     "$wrapper" --showme:compile >/dev/null 2>&1; then
    carried_mpi=system
    say_dep MPI "machine: $wrapper, $(program mpirun) ($(mpirun --version 2>&1 | head -1))"
  elif [ -x "$deps/usr/bin/mpicxx.openmpi" ]; then
    # Debian's OpenMPI moves with OPAL_PREFIX; its programs (not ours: RPATH, below) find their
    # libraries through LD_LIBRARY_PATH, set only for them by these two wrappers.
    export OPAL_PREFIX=$deps/usr PMIX_INSTALL_PREFIX=$deps/usr/lib/$arch/pmix2
    carried_ld_path=$deps/usr/lib/$arch:$deps/lib/$arch:$deps/usr/lib/$arch/openmpi/lib
    mkdir -p "$deps/bin"
    for tool in mpirun mpicxx; do
      printf '#!/bin/sh\nLD_LIBRARY_PATH=%s${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} exec %s "$@"\n' \
        "$carried_ld_path" "$deps/usr/bin/$tool.openmpi" >"$deps/bin/$tool"
      chmod +x "$deps/bin/$tool"
    done
    export PATH="$deps/bin:$PATH"
    carried_mpi=carried
    # The linker finds libmpi's own libraries (libopen-pal, ...) here: its RUNPATH names /usr.
    carried_configure+=("-DMPI_CXX_COMPILER=$deps/bin/mpicxx" "-DCMAKE_EXE_LINKER_FLAGS=-Wl,-rpath-link,$carried_ld_path")
    say_dep MPI "carried: OpenMPI $(sed -n 's/^Version: //p' "$deps/usr/lib/$arch/pkgconfig/ompi.pc" 2>/dev/null) ($deps/bin/mpirun)"
  else
    say_dep MPI "none (no mpicxx/mpirun here, none carried)"
  fi
  # The prefix that runs a program of ours (the carried libraries it names load through its RUNPATH).
  ours=(env)
  [ -z "$carried_ld_path" ] || ours+=("LD_LIBRARY_PATH=$carried_ld_path${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
}
