/* libFuzzer harness: a result file -> the reader (dcgrid/h5read.h), as
 * `info`, `compare`, `export` and `rerun` use it.
 *
 * Whatever the file, dcg_h5_open and what follows must return 0 or a
 * negative status with a message, never crash, leak, read out of bounds
 * or hang, and leave no HDF5 identifier open once the file is closed.
 *
 * The mutator is structure-aware (LLVMFuzzerCustomMutator): it opens the
 * input as an HDF5 file and edits it as h5py would (datasets replaced by
 * others of random shape and type, scales attached or not, values set to
 * NaN or huge numbers, hard links that make cycles, soft and external
 * links, attributes such as schema set to other strings and control
 * characters), closes it, reads it back and gives it a valid checksum
 * trailer, so that the reader's own checks are what refuses it; or it
 * flips random bits of the file, which the checksum must refuse. libFuzzer's
 * byte-level mutations are not used: they make HDF5 files without a valid
 * checksum that crash libhdf5 itself (the reason for the checksum), which
 * is not this reader's code. Seeds: result files that tests/fuzz/run
 * builds from tests/fuzz/corpus/reader/ (scenarios and damage.py kinds).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "dcgrid/h5read.h"
#include "h5_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed);

/* --- The target ------------------------------------------------------- */

static void read_all(struct dcg_h5_file *f)
{
	struct dcg_error err = {0};
	struct dcg_h5_var *vars = NULL;
	size_t n = 0;
	if (dcg_h5_list(f, &vars, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++) {
			if (vars[i].kind == DCG_H5_NUMBER) {
				double *d = NULL;
				if (dcg_h5_read_doubles(f, vars[i].path, &d, NULL,
							&err) == 0)
					free(d);
			} else if (vars[i].kind == DCG_H5_STRING &&
				   vars[i].rank == 1) {
				char **l = NULL;
				size_t nl = 0;
				if (dcg_h5_read_labels(f, vars[i].path, &l, &nl,
						       &err) == 0)
					dcg_h5_labels_free(l, nl);
			}
		}
		free(vars);
	}
	struct dcg_h5_figures fig;
	(void)dcg_h5_key_figures(f, 2030.0, &fig, &err);
	struct dcg_h5_attr *a = NULL;
	if (dcg_h5_attrs(f, "/solver", &a, &n, &err) == 0)
		free(a);
	char *text = NULL;
	if (dcg_h5_attr_text(f, "/", "config", &text, &err) == 0)
		free(text);
	char **p = NULL;
	if (dcg_h5_attr_texts(f, "/sensitivity", "parameters", &p, &n,
			      &err) == 0)
		dcg_h5_labels_free(p, n);
	struct dcg_h5_diff *d = NULL;
	size_t nd = 0;
	if (dcg_h5_compare(f, f, &d, &nd, NULL, &err) == 0)
		free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A new name every time: libhdf5 keeps a file it failed to close
	 * properly open internally, and a file recreated under the same name
	 * can get the same inode, which HDF5 then takes for the open one. */
	static unsigned long runs;
	char path[96];
	snprintf(path, sizeof path, "/tmp/dcgrid-fuzz-reader.%ld.%lu.h5",
		 (long)getpid(), runs++);
	FILE *out = fopen(path, "wb");
	if (!out)
		abort();
	if (fwrite(data, 1, size, out) != size || fclose(out) != 0)
		abort();
	struct dcg_h5_file *f = NULL;
	struct dcg_error err = {0};
	int rc = dcg_h5_open(path, &f, &err);
	if (rc == 0)
		read_all(f);
	else if (err.msg[0] == '\0' || f)
		abort();
	dcg_h5_close(f);
	unlink(path);
	/* Every identifier closed on every path (HDF5 prints "infinite loop
	 * closing library" at exit otherwise). */
	if (H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) != 0) {
		fprintf(stderr, "fuzz_reader: %zd HDF5 identifiers left open\n",
			(ssize_t)H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL));
		abort();
	}
	return 0;
}

/* --- The mutator ------------------------------------------------------ */

static unsigned next(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xffffffu;
}

static const char *const paths[] = {
	"/time", "/regions", "/hardware", "/segments", "/technologies",
	"/annual/year", "/datacenter/racks", "/datacenter/standard_racks",
	"/datacenter/it_load", "/datacenter/energy", "/grid/reserve_margin",
	"/grid/peak_demand", "/cumulative/unserved_energy",
	"/annual/dc_energy", "/events", "/event",
};
#define NPATHS (sizeof paths / sizeof paths[0])

static const char *const strings[] = {
	"dcgrid/1", "dcgrid/999", "dcgrid/1.7", "dcgrid/", "dcgrid/1x",
	"dcgrid-study/1", "", "\x1b]0;title\x07\x1b[2J", "=HYPERLINK(\"x\")",
	"\xff\xfe not UTF-8",
};
#define NSTRINGS (sizeof strings / sizeof strings[0])

/* A new dataset at p of random rank, shape and type, optionally along the
 * file's /time and /regions scales. */
static void replace_dataset(hid_t file, const char *p, unsigned *s)
{
	if (H5Lexists(file, p, H5P_DEFAULT) > 0)
		H5Ldelete(file, p, H5P_DEFAULT);
	int rank = (int)(next(s) % 4);
	hsize_t dims[3];
	size_t n = 1;
	for (int i = 0; i < rank; i++) {
		dims[i] = next(s) % 20;
		n *= dims[i];
	}
	hid_t sp = rank ? H5Screate_simple(rank, dims, NULL)
			: H5Screate(H5S_SCALAR);
	bool text = next(s) % 4 == 0;
	hid_t t = H5Tcopy(text ? H5T_C_S1 : H5T_NATIVE_DOUBLE);
	if (text) {
		H5Tset_size(t, 1 + next(s) % 8);
		H5Tset_cset(t, next(s) % 2 ? H5T_CSET_ASCII : H5T_CSET_UTF8);
	}
	hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
	H5Pset_create_intermediate_group(lcpl, 1);
	hid_t d = H5Dcreate2(file, p, t, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
	if (d >= 0 && n > 0) {
		unsigned char *buf = calloc(n, 8);
		if (buf) {
			if (!text)
				for (size_t i = 0; i < n; i++) {
					double v = (double)(next(s) % 1000) - 500.0;
					if (next(s) % 8 == 0)
						v = next(s) % 2 ? 1e308 : -0.0;
					memcpy(buf + 8 * i, &v, 8);
				}
			H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
			free(buf);
		}
	}
	if (d >= 0 && rank >= 1 && next(s) % 2) {
		hid_t ts = H5Dopen2(file, "/time", H5P_DEFAULT);
		if (ts >= 0 && H5DSis_scale(ts) > 0 && strcmp(p, "/time") != 0)
			H5DSattach_scale(d, ts, 0);
		if (ts >= 0)
			H5Dclose(ts);
	}
	if (d >= 0 && rank >= 2 && next(s) % 2) {
		hid_t rs = H5Dopen2(file, "/regions", H5P_DEFAULT);
		if (rs >= 0 && H5DSis_scale(rs) > 0 && strcmp(p, "/regions") != 0)
			H5DSattach_scale(d, rs, 1);
		if (rs >= 0)
			H5Dclose(rs);
	}
	if (d >= 0)
		H5Dclose(d);
	H5Pclose(lcpl);
	H5Tclose(t);
	H5Sclose(sp);
}

static void set_attr(hid_t file, const char *obj, const char *name,
		     const char *v)
{
	hid_t o = H5Oopen(file, obj, H5P_DEFAULT);
	if (o < 0)
		return;
	if (H5Aexists(o, name) > 0)
		H5Adelete(o, name);
	hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR);
	H5Tset_size(t, strlen(v) ? strlen(v) : 1);
	hid_t a = H5Acreate2(o, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
	if (a >= 0) {
		H5Awrite(a, t, strlen(v) ? v : "");
		H5Aclose(a);
	}
	H5Sclose(sp);
	H5Tclose(t);
	H5Oclose(o);
}

/* One structural edit of the file; returns the new size, 0 when the input
 * is not an HDF5 file this can edit. The edit is made as h5py makes one:
 * on a file on disk, opened read-write and closed (an image taken from a
 * file still open is not always consistent: libhdf5 crashed reading
 * one). */
static size_t edit(uint8_t *data, size_t size, size_t max_size, unsigned *s)
{
	static unsigned long edits;
	char path[96];
	snprintf(path, sizeof path, "/tmp/dcgrid-fuzz-mutate.%ld.%lu.h5",
		 (long)getpid(), edits++);
	FILE *io = fopen(path, "wb");
	if (!io)
		return 0;
	bool ok = fwrite(data, 1, size, io) == size;
	if (fclose(io) != 0 || !ok)
		return 0;
	hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
	if (file < 0) {
		unlink(path);
		return 0;
	}
	const char *p = paths[next(s) % NPATHS];
	switch (next(s) % 7) {
	case 0:
	case 1:
		replace_dataset(file, p, s);
		break;
	case 2:
		set_attr(file, "/", "schema", strings[next(s) % NSTRINGS]);
		break;
	case 3: {
		static const char *const names[] = {"scenario", "title",
						    "config", "history"};
		set_attr(file, "/", names[next(s) % 4],
			 strings[next(s) % NSTRINGS]);
		break;
	}
	case 4: {
		/* A hard link to a group inside itself or a parent: a cycle. */
		static const char *const groups[] = {"/", "/grid", "/datacenter",
						     "/annual"};
		const char *g = groups[next(s) % 4];
		char to[64];
		snprintf(to, sizeof to, "%s/loop%u",
			 next(s) % 2 ? "/datacenter" : "/grid", next(s) % 4);
		H5Lcreate_hard(file, g, file, to, H5P_DEFAULT, H5P_DEFAULT);
		break;
	}
	case 5: {
		char to[64];
		snprintf(to, sizeof to, "/grid/link%u", next(s) % 4);
		if (next(s) % 2)
			H5Lcreate_soft(p, file, to, H5P_DEFAULT, H5P_DEFAULT);
		else
			H5Lcreate_external("/etc/passwd", "/", file, to,
					   H5P_DEFAULT, H5P_DEFAULT);
		break;
	}
	default:
		if (H5Lexists(file, p, H5P_DEFAULT) > 0)
			H5Ldelete(file, p, H5P_DEFAULT);
		break;
	}
	H5Eclear2(H5E_DEFAULT);
	size_t out = 0;
	if (H5Fclose(file) >= 0 && (io = fopen(path, "rb")) != NULL) {
		size_t n = fread(data, 1, max_size, io);
		if (n > 0 && n + DCG__H5_TRAILER <= max_size && feof(io)) {
			unsigned char *img = malloc(n);
			if (img) {
				memcpy(img, data, n);
				dcg__h5_stamp(img, n, data + n);
				out = n + DCG__H5_TRAILER;
				free(img);
			}
		}
		fclose(io);
	}
	unlink(path);
	return out;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	unsigned s = seed;
	static int quiet;
	if (!quiet) {
		H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
		quiet = 1;
	}
	/* Only an intact file is edited: a damaged one (bit flips) edited by
	 * HDF5 and given a valid checksum again would be damage that passes
	 * the checksum, which no dcgrid writer produces. */
	unsigned char trailer[DCG__H5_TRAILER];
	bool intact = size > DCG__H5_TRAILER;
	if (intact) {
		dcg__h5_stamp(data, size - DCG__H5_TRAILER, trailer);
		intact = memcmp(trailer, data + size - DCG__H5_TRAILER,
				DCG__H5_TRAILER) == 0;
	}
	if (intact && next(&s) % 4 != 0) {
		size_t n = edit(data, size - DCG__H5_TRAILER, max_size, &s);
		if (n > 0)
			return n;
	}
	/* Bit flips: refused by the checksum. */
	unsigned flips = 1 + next(&s) % 8;
	for (unsigned i = 0; i < flips && size > 0; i++) {
		size_t at = (size_t)next(&s) * 4099u % size;
		data[at] ^= (uint8_t)(1u << (next(&s) % 8));
	}
	return size;
}
