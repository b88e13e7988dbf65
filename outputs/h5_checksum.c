/* A checksum of the whole file in a trailer after the HDF5 data
 * (docs/output-format.md, "Checksum").
 *
 * HDF5 checksums most of the metadata of a file written with the 1.8
 * formats (object headers, B-trees and heaps of the new kind), but not a
 * version-0 superblock, the global heap that holds variable-length
 * strings and the dimension lists, nor any raw data; a flipped bit there
 * can crash libhdf5 itself when the file is read (issue 14 measured about
 * 6 % of random single-bit flips). So every file dcgrid writes ends, after
 * the last byte HDF5 addresses, with 64 bytes
 *
 *   \ndcgrid-checksum fnv1a-64 <16 hex digits> bytes <12 digits>\n
 *
 * (blank-padded): the 64-bit FNV-1a hash of everything before it and the
 * size of the whole file. HDF5 ignores bytes past its end of allocation,
 * so h5py, netCDF-4 and xarray read the file as before and still find the
 * HDF5 signature at its start; a program that rewrites the file (h5py in
 * r+ mode, h5repack) truncates it to its own end, so an edited file has
 * no checksum and is read with the reader's structural checks only.
 *
 * FNV-1a detects any change of a single byte with certainty (each step is
 * a bijection of the state) and random damage with probability 1 - 2^-64;
 * it is a damage check, not a signature. The reader verifies it, streaming,
 * before it hands the file to HDF5. A truncated file loses its trailer;
 * HDF5 then refuses it itself (its end of allocation lies past the end of
 * the file). */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "h5_internal.h"

#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL
#define MAGIC "\ndcgrid-checksum fnv1a-64 "

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}

void dcg__h5_stamp(const unsigned char *image, size_t size,
		   unsigned char trailer[DCG__H5_TRAILER])
{
	char line[DCG__H5_TRAILER + 1];
	uint64_t h = fnv1a(FNV_OFFSET, image, size);
	snprintf(line, sizeof line, MAGIC "%016" PRIx64 " bytes %012llu",
		 h, (unsigned long long)size + DCG__H5_TRAILER);
	size_t n = strlen(line);
	memset(trailer, ' ', DCG__H5_TRAILER);
	for (size_t i = 0; i < n && i < DCG__H5_TRAILER; i++)
		trailer[i] = (unsigned char)line[i];
	trailer[DCG__H5_TRAILER - 1] = '\n';
}

int dcg__h5_verify(const char *path, struct dcg_error *err)
{
	unsigned char tail[DCG__H5_TRAILER + 1];
	unsigned char *buf = NULL;
	struct stat st;
	FILE *f = fopen(path, "rb");
	int rc = 0;
	if (!f)
		return dcg_error_set(err, DCG_EUSAGE, "cannot open %s: %s",
				     path, strerror(errno));
	if (fstat(fileno(f), &st) != 0 || st.st_size < DCG__H5_TRAILER ||
	    fseeko(f, st.st_size - DCG__H5_TRAILER, SEEK_SET) != 0 ||
	    fread(tail, 1, DCG__H5_TRAILER, f) != DCG__H5_TRAILER ||
	    memcmp(tail, MAGIC, sizeof MAGIC - 1) != 0)
		goto finish; /* no checksum: a file from another writer */
	tail[DCG__H5_TRAILER] = '\0';
	/* "<16 hex digits> bytes <12 digits>" */
	const char *p = (const char *)tail + sizeof MAGIC - 1;
	char *end = NULL;
	errno = 0;
	uint64_t want = strtoull(p, &end, 16);
	bool ok = errno == 0 && end == p + 16 && strncmp(end, " bytes ", 7) == 0;
	unsigned long long want_size = 0;
	if (ok) {
		p = end + 7;
		want_size = strtoull(p, &end, 10);
		ok = errno == 0 && end == p + 12;
	}
	if (!ok) {
		rc = dcg_error_set(err, DCG_EFORMAT,
				   "%s: damaged: its checksum line is not "
				   "readable",
				   path);
		goto finish;
	}
	if (want_size != (unsigned long long)st.st_size) {
		rc = dcg_error_set(err, DCG_EFORMAT,
				   "%s: damaged: %lld bytes where dcgrid wrote "
				   "%llu",
				   path, (long long)st.st_size, want_size);
		goto finish;
	}
	buf = malloc(1 << 16);
	if (!buf) {
		rc = dcg_error_set(err, DCG_ENOMEM, "%s: out of memory", path);
		goto finish;
	}
	rewind(f);
	uint64_t h = FNV_OFFSET;
	unsigned long long left = want_size - DCG__H5_TRAILER;
	while (left > 0) {
		size_t want_n = left < (1u << 16) ? (size_t)left : (1u << 16);
		size_t k = fread(buf, 1, want_n, f);
		if (k == 0)
			break;
		h = fnv1a(h, buf, k);
		left -= k;
	}
	if (ferror(f) || left > 0)
		rc = dcg_error_set(err, DCG_EIO, "cannot read %s: %s", path,
				   ferror(f) ? strerror(errno) : "short read");
	else if (h != want)
		rc = dcg_error_set(err, DCG_EFORMAT,
				   "%s: damaged: its checksum does not match "
				   "(the file changed after dcgrid wrote it)",
				   path);
finish:
	free(buf);
	fclose(f);
	return rc;
}
