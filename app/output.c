/* The checks an output path passes before any work (issue 14): found out
 * before a solve or a study, not after it.
 *
 *   - an existing path must be a regular file (a folder or a device is
 *     refused, --force or not: renaming over it would replace the node);
 *   - without --force it must not exist;
 *   - it must not be one of the inputs (same device and inode, whatever
 *     the names: `run X.cfg -o X.cfg --force` would replace the scenario);
 *   - its folder must exist and be writable;
 *   - its name must leave room for the writer's temporary name
 *     (.<name>.tmp.XXXXXX) under the file-name limit. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* The writer's temporary name adds "." and ".tmp.XXXXXX" to the name. */
#define TEMP_EXTRA 12

static const char *node_kind(mode_t m)
{
	return S_ISDIR(m)    ? "a folder"
	       : S_ISFIFO(m) ? "a FIFO"
	       : S_ISCHR(m) || S_ISBLK(m) ? "a device"
	       : S_ISSOCK(m) ? "a socket"
				       : "not a regular file";
}

int dcg__check_output(const char *output, bool force,
		      const char *const *inputs, size_t ninputs,
		      struct dcg_error *err)
{
	struct stat st, in;
	if (!output || !*output)
		return dcg_error_set(err, DCG_EUSAGE, "no output file name");
	const char *slash = strrchr(output, '/');
	const char *base = slash ? slash + 1 : output;
	char dir[4096];

	if (*base == '\0')
		return dcg_error_set(err, DCG_EUSAGE,
				     "cannot write %s: not a file name (a "
				     "folder?)",
				     output);
	if (strlen(base) + TEMP_EXTRA > NAME_MAX)
		return dcg_error_set(err, DCG_EUSAGE,
				     "cannot write %.40s...: the file name has "
				     "%zu bytes; at most %d are possible here",
				     output, strlen(base), NAME_MAX - TEMP_EXTRA);
	if (strlen(output) + TEMP_EXTRA >= sizeof dir)
		return dcg_error_set(err, DCG_EUSAGE,
				     "cannot write %.40s...: the path is too "
				     "long",
				     output);
	if (stat(output, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			return dcg_error_set(err, DCG_EUSAGE,
					     "cannot write %s: it is %s (expected "
					     "a file name)",
					     output, node_kind(st.st_mode));
		for (size_t i = 0; i < ninputs; i++)
			if (inputs[i] && stat(inputs[i], &in) == 0 &&
			    in.st_dev == st.st_dev && in.st_ino == st.st_ino)
				return dcg_error_set(
					err, DCG_EUSAGE,
					"cannot write %s: it is the input %s "
					"(the result would replace it; choose "
					"another output name)",
					output, inputs[i]);
		if (!force)
			return dcg_error_set(err, DCG_EEXIST,
					     "%s exists; use --force to replace "
					     "it",
					     output);
	} else if (!force && lstat(output, &st) == 0) {
		/* A dangling symbolic link: the name exists. */
		return dcg_error_set(err, DCG_EEXIST,
				     "%s exists; use --force to replace it",
				     output);
	}
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s",
			 slash == output ? 1 : (int)(slash - output), output);
	if (stat(dir, &st) != 0)
		return dcg_error_set(err, DCG_EUSAGE,
				     "cannot write %s: the folder %s does not "
				     "exist",
				     output, dir);
	if (!S_ISDIR(st.st_mode))
		return dcg_error_set(err, DCG_EUSAGE,
				     "cannot write %s: %s is not a folder",
				     output, dir);
	if (access(dir, W_OK | X_OK) != 0)
		return dcg_error_set(err, DCG_EUSAGE,
				     "cannot write %s: the folder %s is not "
				     "writable",
				     output, dir);
	return 0;
}
