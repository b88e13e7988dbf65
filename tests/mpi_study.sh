#!/usr/bin/env bash
# A study split over 2 MPI ranks writes the same file as a serial run with
# the same seed (every dataset bit for bit, tests/compare_study.py).
#
#   mpi_study.sh DCGRID yes|no
#
# The second argument says whether dcgrid was built with MPI (meson
# -Dmpi=...); without it the test is skipped with a message (exit 77).
set -euo pipefail
dcgrid=$(realpath "$1")
built=${2:-no}
here=$(cd "$(dirname "$0")" && pwd)
if [[ $built != yes ]]; then
	echo "SKIP: dcgrid was built without MPI (meson -Dmpi=disabled, or no Open MPI found)"
	exit 77
fi
if ! command -v mpirun >/dev/null 2>&1; then
	echo "FAIL: dcgrid was built with MPI but mpirun is not installed (openmpi-bin)"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$here"
as_root=()
if [[ $EUID -eq 0 ]]; then
	as_root=(--allow-run-as-root)
fi
passed=0 failed=0
check() {
	if "$@"; then passed=$((passed + 1)); else echo "FAIL: $*"; failed=$((failed + 1)); fi
}

for study in data/study_grid.cfg ../inputs/studies/china-morris.cfg; do
	base=$(basename "$study" .cfg)
	"$dcgrid" study "$study" -o "$tmp/$base-serial.h5" -j 1 --quiet
	# Two ranks of one thread each, on however many cores there are.
	OMPI_MCA_rmaps_base_oversubscribe=1 mpirun -n 2 --oversubscribe "${as_root[@]}" \
		"$dcgrid" study "$study" -o "$tmp/$base-mpi.h5" -j 1 --quiet
	check /usr/bin/python3 compare_study.py "$tmp/$base-serial.h5" "$tmp/$base-mpi.h5"
	# Rank checkpoints are removed once the file is written.
	check test ! -e "$tmp/$base-mpi.h5.ckpt.0" -a ! -e "$tmp/$base-mpi.h5.ckpt.1"
done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
