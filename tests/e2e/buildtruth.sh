#!/usr/bin/env bash
# buildtruth.sh — build what stagec emits with a real engine and check that it is true.
#
# Usage: tests/e2e/buildtruth.sh [--stagec PATH] [--dockerfiles DIR] [--flavours "official debian"]
#                                [--bake] EXAMPLE_DIR...
# For each example and base flavour it asks stagec (--stagec or $STAGEC) for the multi-stage and the
# single-stage Dockerfile (`stagec [--single-stage] --base FLAVOUR DIR/app.yaml`), writes them to a
# temporary directory and builds both with `DOCKER_BUILDKIT=1 /usr/bin/docker build --progress=plain
# -f FILE DIR`, with stagec's .dockerignore beside each as FILE.dockerignore (BuildKit reads it
# instead of the example's own). With --dockerfiles DIR it takes DIR/<example>/<flavour>.{multi,single}.Dockerfile
# instead (hand-written references, see tests/e2e/handwritten/). A spec with context: above its
# folder (a workspace member) is built in that context, as its Dockerfile's header says. Then it checks:
#   runs         both containers answer GET / on the exposed port (published on 127.0.0.1 only),
#                with the same body;
#   stops        each container that answered is stopped with `docker stop` (SIGTERM, then SIGKILL
#                after Docker's default 10 s): its exit status must be the app's own, never 137
#                (SIGKILL: PID 1 ignored SIGTERM). The time it took is printed (`# stop ...`), not
#                asserted on: the machines are noisy;
#   elf          in both images, every ELF file's interpreter and DT_NEEDED libraries resolve
#                inside the image (elfcheck.py reads the `docker export` tar: no tool in the
#                image is used); files the final stage's base image already had, and plugins of
#                Debian packages that nothing links, are notes only;
#   equivalence  same Cmd, Entrypoint, Env, User, WorkingDir, ExposedPorts, Healthcheck, Labels
#                (Env: variables inherited from a different final base are allowed to differ), and
#                the files the final stage added are at the same paths in the single-stage image;
#   split        the multi-stage image has no compiler, go toolchain, -dev package or package
#                cache, its final stage added no /usr/include header, and its user is not root;
#   secrets      no file the final stage added is a .env file or a private key (examples/node
#                holds two .env files);
#   caching      after a comment is appended to a source file (in a temporary copy), the rebuild of
#                the multi-stage image reports every dependency-install step CACHED (a Dockerfile
#                with no RUN before its first COPY of the context has none: the edit must reach it).
# With --bake (needs --stagec), after those: `stagec all` over a scratch copy of the examples, under
# a policy that gives every image a label, writes docker-bake.json; tests/bake/check-bake.py reads
# it (contexts and Dockerfiles on disk) and prints, per target, the `docker build` made of the
# file's own fields (context, dockerfile, tags, labels; buildx is not packaged for Debian 12),
# which is run:
#   bake         each target builds, its image carries the target's labels, and when build truth
#                built the same program (the Dockerfile but for comments and LABELs) for that
#                example, the image has the same layers: the bake builds are cache hits, seconds
#                each, so the bake file costs CI no second build of the examples.
# Prints `ok - ...` / `not ok - ... : reason` per check, image sizes and ratio, and a last line
# `e2e: N passed, N failed`; exits 1 if anything failed.
# Assumes: a running engine (tests/e2e/engine.sh start), the base images (tests/e2e/base-images.sh),
# curl and python3 on the host. Images are tagged $E2E_TAG/<example>:<flavour>-{multi,single} and
# kept; containers and temporary files it made are removed on exit.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CHECK="python3 $HERE/buildtruth_check.py"
DOCKER=/usr/bin/docker
export DOCKER_BUILDKIT=1
STAGEC=${STAGEC:-}
DOCKERFILES=
BAKE=
FLAVOURS=${FLAVOURS:-official debian}
TAG=${E2E_TAG:-stagec-e2e} # image names: $TAG/<example>:<flavour>-{multi,single}
EXAMPLES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --stagec) STAGEC=$2; shift 2 ;;
    --stagec=*) STAGEC=${1#*=}; shift ;;
    --dockerfiles) DOCKERFILES=$2; shift 2 ;;
    --flavours) FLAVOURS=$2; shift 2 ;;
    --bake) BAKE=1; shift ;;
    -h|--help) sed -n '2,45p' "$0"; exit 0 ;;
    -*) echo "buildtruth: unknown option $1" >&2; exit 2 ;;
    *) EXAMPLES+=("$1"); shift ;;
  esac
done
if [ ${#EXAMPLES[@]} -eq 0 ] || { [ -z "$STAGEC" ] && [ -z "$DOCKERFILES" ]; }; then
  echo "usage: $0 --stagec PATH/TO/stagec EXAMPLE_DIR...   (or --dockerfiles DIR)" >&2; exit 2
fi
[ -n "$DOCKERFILES" ] && DOCKERFILES=$(cd "$DOCKERFILES" && pwd)
if [ -n "$STAGEC" ] && [ -z "$DOCKERFILES" ]; then
  case "$STAGEC" in */*) STAGEC=$(cd "$(dirname "$STAGEC")" && pwd)/$(basename "$STAGEC") ;; esac
fi
if ! "$DOCKER" info >/dev/null 2>&1; then
  echo "buildtruth: no docker engine answers; run tests/e2e/engine.sh start" >&2; exit 2
fi

TMP=$(mktemp -d /tmp/stagec-buildtruth.XXXXXX)
CONTAINERS=()
cleanup() {
  for c in "${CONTAINERS[@]}"; do "$DOCKER" rm -f "$c" >/dev/null 2>&1; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
notok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
tail_log() { tail -n "${2:-25}" "$1" | sed 's/^/#   /'; }

# ---- one image's helpers ----------------------------------------------------------------------
build() { # build TAG DOCKERFILE CONTEXT LOG
  "$DOCKER" build --progress=plain -t "$1" -f "$2" "$3" >"$4" 2>&1
}
start_container() { # start_container IMAGE PORT -> prints the container id (caller records it)
  "$DOCKER" run -d -p "127.0.0.1::$2" "$1"
}
probe() { # probe CID PORT OUTFILE: GET / with retries for ~20 s
  local hp deadline=$((SECONDS + 20))
  hp=$("$DOCKER" port "$1" "$2/tcp" 2>/dev/null | grep -m1 '^127.0.0.1:' | cut -d: -f2)
  [ -n "$hp" ] || return 1
  while [ $SECONDS -lt $deadline ]; do
    if curl -fsS --max-time 3 "http://127.0.0.1:$hp/" -o "$3" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  return 1
}
export_fs() { # export_fs IMAGE LIST STATUS PASSWD [ELFOUT INSPECT BASELIST]: tar listing and two
  local cid tarf # files of an image's filesystem; with ELFOUT, elfcheck.py's verdict (ELFOUT.rc: status)
  # an image without CMD (distroless, scratch) needs a command to be created; it never runs
  cid=$("$DOCKER" create "$1" /nonexistent 2>/dev/null) || return 1
  CONTAINERS+=("$cid")
  tarf="$TMP/export.tar"
  "$DOCKER" export "$cid" -o "$tarf" || return 1
  tar -tf "$tarf" >"$2"
  tar -xOf "$tarf" var/lib/dpkg/status >"$3" 2>/dev/null || : >"$3"
  tar -xOf "$tarf" etc/passwd >"$4" 2>/dev/null || : >"$4"
  if [ -n "${5:-}" ]; then
    python3 "$HERE/elfcheck.py" "$tarf" "$6" --base "$7" >"$5" 2>&1
    echo $? >"$5.rc"
  fi
  rm -f "$tarf"
  "$DOCKER" rm -f "$cid" >/dev/null 2>&1
}
last_from() { # the image named by the last FROM of a Dockerfile (resolving stage names once)
  local img
  img=$(awk 'toupper($1)=="FROM" { i=2; while ($i ~ /^--/) i++; print $i }' "$1" | tail -n 1)
  if grep -Eiq "^FROM[[:space:]].*[[:space:]]AS[[:space:]]+$img[[:space:]]*\$" "$1"; then
    img=$(grep -Ei "^FROM[[:space:]].*[[:space:]]AS[[:space:]]+$img[[:space:]]*\$" "$1" | head -n 1 | awk '{ i=2; while ($i ~ /^--/) i++; print $i }')
  fi
  echo "$img"
}
base_files() { # base_files IMAGE DIR -> writes DIR/base.list and DIR/base.json (scratch: empty)
  local key; key=$(echo "$1" | tr '/:' '__')
  if [ "$1" = scratch ]; then # BuildKit gives a FROM scratch image the default PATH
    : >"$2/base.list"
    echo '[{"Config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}}]' >"$2/base.json"
    return
  fi
  if [ ! -f "$TMP/base-$key.list" ]; then
    export_fs "$1" "$TMP/base-$key.list" /dev/null /dev/null
    "$DOCKER" image inspect "$1" >"$TMP/base-$key.json"
  fi
  cp "$TMP/base-$key.list" "$2/base.list"; cp "$TMP/base-$key.json" "$2/base.json"
}
nodeps() { # prints `nodeps` when no RUN comes before the first COPY of the context (nothing to cache)
  awk 'toupper($1)=="RUN" { exit } toupper($1)=="COPY" && $2 !~ /^--from=/ { print "nodeps"; exit }' "$1"
}
mb() { "$DOCKER" image inspect -f '{{.Size}}' "$1" | awk '{ printf "%.1f", $1 / 1000000 }'; }
STOPS=
stop_check() { # stop_check ID VARIANT CID: `docker stop`; the exit status must be the app's own
  local t0 secs code
  t0=$(now)
  "$DOCKER" stop "$3" >/dev/null 2>&1
  secs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
  code=$("$DOCKER" inspect -f '{{.State.ExitCode}}' "$3" 2>/dev/null)
  STOPS="$STOPS${STOPS:+, }$2 $secs s exit ${code:-?}"
  if [ -z "$code" ]; then
    notok "$1 stops $2 : no exit status after docker stop ($secs s)"
  elif [ "$code" = 137 ]; then
    notok "$1 stops $2 : killed (exit 137) after $secs s: PID 1 ignored SIGTERM; run it under an init (init: tini)"
  else
    ok "$1 stops $2 (exit $code after $secs s)"
  fi
}
elf_report() { # elf_report ID VARIANT ELFOUT
  if [ "$(cat "$3.rc" 2>/dev/null)" = 0 ]; then ok "$1 elf $2 ($(cat "$3"))"
  else notok "$1 elf $2 : $(tail -n 5 "$3")"; fi
}

# ---- one example in one flavour ---------------------------------------------------------------
run_one() {
  local ex=$1 fl=$2 name w t0 log rc
  name=$(basename "$ex")
  w="$TMP/$name-$fl"; mkdir -p "$w"
  local id="$name $fl" mtag="$TAG/$name:$fl-multi" stag="$TAG/$name:$fl-single"

  # generate
  if [ -n "$DOCKERFILES" ]; then
    cp "$DOCKERFILES/$name/$fl.multi.Dockerfile" "$w/multi.Dockerfile" 2>"$w/gen.err" &&
      cp "$DOCKERFILES/$name/$fl.single.Dockerfile" "$w/single.Dockerfile" 2>>"$w/gen.err"
  else
    "$STAGEC" --base "$fl" "$ex/app.yaml" >"$w/multi.Dockerfile" 2>"$w/gen.err" &&
      "$STAGEC" --single-stage --base "$fl" "$ex/app.yaml" >"$w/single.Dockerfile" 2>>"$w/gen.err" &&
      mkdir -p "$w/gen" && "$STAGEC" --base "$fl" -o "$w/gen" "$ex/app.yaml" 2>>"$w/gen.err" &&
      # stagec's ignore files: -o into a folder that is not the spec's writes them as BuildKit's
      # Dockerfile-specific ignore files (they win over the example's own .dockerignore)
      cp "$w/gen/Dockerfile.dockerignore" "$w/multi.Dockerfile.dockerignore" &&
      cp "$w/gen/Dockerfile.single.dockerignore" "$w/single.Dockerfile.dockerignore"
  fi
  rc=$?
  if [ $rc -ne 0 ]; then notok "$id generate : exit $rc"; tail_log "$w/gen.err"; return; fi

  # build both, in the context the Dockerfile names (a spec's context: above its folder, a line
  # "# Build context: ../.. from the spec's folder: ..." in the header), else the example's folder
  local v failed=0 ctx
  ctx=$(sed -n '1,5s/^# Build context: \([./]*\) from the spec.s folder:.*/\1/p' "$w/multi.Dockerfile")
  for v in multi single; do
    log="$w/$v.build.log"; t0=$(now)
    if build "$TAG/$name:$fl-$v" "$w/$v.Dockerfile" "$ex/${ctx:-.}" "$log"; then
      ok "$id build $v ($(elapsed "$t0") s)"
    else
      notok "$id build $v : docker build failed after $(elapsed "$t0") s; build log tail:"
      tail_log "$log"; echo "#   Dockerfile: $w/$v.Dockerfile"; sed 's/^/#   | /' "$w/$v.Dockerfile"
      failed=1
    fi
  done
  if [ $failed = 1 ]; then echo "# $id: later checks skipped"; return; fi
  "$DOCKER" image inspect "$mtag" >"$w/multi.json"
  "$DOCKER" image inspect "$stag" >"$w/single.json"

  # 1. runs
  local port msg; port=$($CHECK port "$w/multi.json")
  if [ -z "$port" ]; then
    notok "$id runs : the multi-stage image exposes no port"
  else
    local cm cs mok=0 sok=0
    cm=$(start_container "$mtag" "$port"); CONTAINERS+=(${cm:-})
    cs=$(start_container "$stag" "$port"); CONTAINERS+=(${cs:-})
    if [ -n "${cm:-}" ] && [ -n "${cs:-}" ]; then
      probe "$cm" "$port" "$w/multi.body" && mok=1
      probe "$cs" "$port" "$w/single.body" && sok=1
    fi
    if [ -z "${cm:-}" ] || [ -z "${cs:-}" ]; then
      notok "$id runs : docker run failed"
    elif [ $mok = 0 ]; then
      notok "$id runs : multi-stage container did not answer GET / on port $port within 20 s; its log:"
      "$DOCKER" logs "$cm" 2>&1 | tail -n 15 | sed 's/^/#   /'
    elif [ $sok = 0 ]; then
      notok "$id runs : single-stage container did not answer GET / on port $port within 20 s; its log:"
      "$DOCKER" logs "$cs" 2>&1 | tail -n 15 | sed 's/^/#   /'
    elif ! cmp -s "$w/multi.body" "$w/single.body"; then
      notok "$id runs : bodies differ: multi=$(head -c 80 "$w/multi.body") single=$(head -c 80 "$w/single.body")"
    elif [ ! -s "$w/multi.body" ]; then
      notok "$id runs : empty body"
    else
      ok "$id runs (port $port, both answer: $(head -n 1 "$w/multi.body" | head -c 60))"
    fi
    # 1b. stops: only a container that answered (it has set up its signal handling by then)
    STOPS=
    [ $mok = 1 ] && stop_check "$id" multi "$cm"
    [ $sok = 1 ] && stop_check "$id" single "$cs"
    [ -n "$STOPS" ] && echo "# stop $id: $STOPS"
    for c in ${cm:-} ${cs:-}; do "$DOCKER" rm -f "$c" >/dev/null 2>&1; done
  fi

  # 2. equivalence
  local mbase sbase
  mbase=$(last_from "$w/multi.Dockerfile"); sbase=$(last_from "$w/single.Dockerfile")
  mkdir -p "$w/mb" "$w/sb"
  base_files "$mbase" "$w/mb"; base_files "$sbase" "$w/sb"
  if msg=$($CHECK equiv "$w/multi.json" "$w/single.json" "$w/mb/base.json" "$w/sb/base.json"); then
    ok "$id equivalence config${msg:+ ($msg)}"
  else
    notok "$id equivalence config : $msg"
  fi
  export_fs "$mtag" "$w/multi.list" "$w/multi.status" "$w/multi.passwd" "$w/multi.elf" "$w/multi.json" "$w/mb/base.list"
  export_fs "$stag" "$w/single.list" /dev/null /dev/null "$w/single.elf" "$w/single.json" "$w/sb/base.list"
  if msg=$($CHECK files "$w/multi.list" "$w/single.list" "$w/mb/base.list"); then
    ok "$id equivalence files ($msg)"
  else
    notok "$id equivalence files : $msg"
  fi

  # 2b. elf
  elf_report "$id" multi "$w/multi.elf"
  elf_report "$id" single "$w/single.elf"

  # 3. split
  local user; user=$("$DOCKER" image inspect -f '{{.Config.User}}' "$mtag")
  if msg=$($CHECK split "$w/multi.list" "$w/mb/base.list" "$w/multi.status" "$user" "$w/multi.passwd"); then
    ok "$id split ($msg)"
  else
    notok "$id split : $msg"
  fi

  # 3b. no secret from the context (.env files, private keys) in the final image
  if msg=$($CHECK secrets "$w/multi.list" "$w/mb/base.list"); then
    ok "$id secrets ($msg)"
  else
    notok "$id secrets : $msg"
  fi

  # 4. caching
  # (with a context above the example, the whole context is copied and the app edited inside it)
  local copy="$w/copy" src cmt ctxdir app="."
  ctxdir=$(cd "$ex/${ctx:-.}" && pwd)
  [ "$ctxdir" != "$ex" ] && app=${ex#"$ctxdir"/}
  mkdir -p "$copy"; cp -a "$ctxdir/." "$copy/"
  if ! src=$($CHECK srcfile "$copy/$app" "$w/multi.json"); then
    notok "$id caching : no source file found to edit"
  else
    case "$src" in *.py|*.rb) cmt="# buildtruth cache probe $(date +%s%N)" ;; *) cmt="// buildtruth cache probe $(date +%s%N)" ;; esac
    echo "$cmt" >>"$copy/$app/$src"
    log="$w/rebuild.log"; t0=$(now)
    if ! build "$TAG/$name:$fl-rebuild" "$w/multi.Dockerfile" "$copy" "$log"; then
      notok "$id caching : rebuild after editing $src failed; build log tail:"; tail_log "$log"
    elif msg=$($CHECK cache "$log" $(nodeps "$w/multi.Dockerfile")); then
      ok "$id caching (edited $src, rebuild $(elapsed "$t0") s; $msg)"
    else
      notok "$id caching : after editing $src: $msg"; grep -E '^#[0-9]+ (\[|CACHED)' "$log" | sed 's/^/#   /'
    fi
    "$DOCKER" rmi "$TAG/$name:$fl-rebuild" >/dev/null 2>&1
  fi

  # sizes
  local sm ss
  sm=$(mb "$mtag"); ss=$(mb "$stag")
  echo "# size $id: multi $sm MB, single $ss MB, ratio single/multi $(awk -v a="$ss" -v b="$sm" 'BEGIN { printf "%.2f", a / b }')"
}

# ---- the examples' bake file (--bake) ---------------------------------------------------------
bake_all() {
  local root="$TMP/bake" ex target context dockerfile cmd log t0 msg name variant fl match iid
  mkdir -p "$root/.stagec"
  printf 'version: 1\ndefaults:\n  labels: {org.opencontainers.image.vendor: stagec-e2e}\n' >"$root/.stagec/policy.yaml"
  # a spec with context: (a workspace member) is copied with the folder its
  # context names, so that the context stays inside the bake file's root
  local ctx
  for ex in "${EXAMPLES[@]}"; do
    ctx=$(sed -n 's/^context:[[:space:]]*\([^#[:space:]]*\).*/\1/p' "$ex/app.yaml")
    ex=$(cd "$ex/${ctx:-.}" && pwd) || continue
    [ -e "$root/$(basename "$ex")" ] || cp -a "$ex" "$root/$(basename "$ex")"
  done
  if ! "$STAGEC" all --force "$root" >"$TMP/bake.out" 2>"$TMP/bake.err"; then
    notok "bake stagec all : failed"; tail_log "$TMP/bake.err"; return
  fi
  if msg=$(python3 "$HERE/../bake/check-bake.py" --root "$root" "$root/docker-bake.json"); then
    ok "bake file reads ($(grep -c '"inherits"' "$root/docker-bake.json") specs)"
  else
    notok "bake file reads : $msg"; return
  fi
  REGISTRY=$TAG TAG=bake python3 "$HERE/../bake/check-bake.py" --docker-build "$root/docker-bake.json" >"$TMP/bake.cmds"
  while IFS=$'\t' read -r target context dockerfile cmd; do
    name=$(basename "$context")
    variant=multi; [ "$(basename "$dockerfile")" = Dockerfile.single ] && variant=single
    log="$TMP/bake-$target.log"; t0=$(now)
    if ! eval "\"\$DOCKER\" build --progress=plain --iidfile \"\$TMP/bake.iid\" ${cmd#docker build }" >"$log" 2>&1; then
      notok "bake $target build : failed after $(elapsed "$t0") s; build log tail:"; tail_log "$log"; continue
    fi
    iid=$(cat "$TMP/bake.iid")
    "$DOCKER" image inspect "$iid" >"$TMP/bake.json"
    if ! msg=$($CHECK bakelabels "$cmd" "$TMP/bake.json"); then notok "bake $target labels : $msg"; continue; fi
    match=
    for fl in $FLAVOURS; do
      if [ -f "$TMP/$name-$fl/$variant.Dockerfile" ] &&
        $CHECK sameprogram "$dockerfile" "$TMP/$name-$fl/$variant.Dockerfile" >/dev/null; then
        match=$fl; break
      fi
    done
    msg="$(elapsed "$t0") s, $(grep -c ' CACHED$' "$log") steps cached, $msg"
    if [ -z "$match" ]; then
      ok "bake $target ($msg; build truth built no such Dockerfile for $name)"
    elif [ "$("$DOCKER" image inspect -f '{{json .RootFS.Layers}}' "$iid")" = \
      "$("$DOCKER" image inspect -f '{{json .RootFS.Layers}}' "$TAG/$name:$match-$variant" 2>/dev/null)" ]; then
      ok "bake $target ($msg; the layers of build truth's $name $match $variant image)"
    else
      notok "bake $target : its layers differ from build truth's $name $match $variant image ($msg)"
    fi
  done <"$TMP/bake.cmds"
}

for ex in "${EXAMPLES[@]}"; do
  ex=$(cd "$ex" && pwd) || { notok "$ex : no such directory"; continue; }
  for fl in $FLAVOURS; do
    run_one "$ex" "$fl"
  done
done
if [ -n "$BAKE" ]; then
  if [ -n "$STAGEC" ] && [ -z "$DOCKERFILES" ]; then bake_all; else notok "bake : --bake needs --stagec"; fi
fi
echo "e2e: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
