/* Reading dcgrid result files (schema "dcgrid/1", docs/output-format.md)
 * with the HDF5 C API: what `dcgrid info`, `export`, `compare` and `rerun`
 * are built on.
 *
 * The reader looks everything up by name and follows the dimension scales
 * attached to each dataset, so it also reads files written by later
 * versions of the same schema (which may add datasets) and files without a
 * grid. It never prints; HDF5's own error printing is silenced and its
 * messages become dcg_error text ("run.h5: no dataset /grid/flow").
 */
#ifndef DCGRID_H5READ_H
#define DCGRID_H5READ_H

#include <stdbool.h>
#include <stddef.h>

#include "dcgrid/status.h"

#define DCG_H5_MAX_RANK 5
/* Hardware classes listed one by one in the key figures; more are summed. */
#define DCG_H5_FIG_CLASSES 16

struct dcg_h5_file; /* an open result file */

enum dcg_h5_kind {
	DCG_H5_NUMBER,   /* integer or floating point */
	DCG_H5_STRING,   /* fixed or variable-length strings */
	DCG_H5_COMPOUND, /* a table such as /events */
	DCG_H5_OTHER,
};

/* One dataset, as listed by dcg_h5_list. */
struct dcg_h5_var {
	char path[256];       /* full path, "/datacenter/racks" */
	enum dcg_h5_kind kind;
	int rank;             /* 0..DCG_H5_MAX_RANK */
	size_t dims[DCG_H5_MAX_RANK];
	size_t npoints;       /* product of dims (1 for a scalar) */
	/* Per axis, the dimension scale attached to it: its path ("/regions",
	 * "/annual/year") and its name, the last path component ("regions");
	 * empty when none is attached. */
	char scale_path[DCG_H5_MAX_RANK][128];
	char dim_name[DCG_H5_MAX_RANK][64];
	bool is_scale;        /* the dataset is itself a dimension scale */
	char units[64];       /* the `units` attribute, "" when absent */
	char long_name[256];  /* the `long_name` attribute, "" when absent */
};

/* One string, number or integer attribute, as listed by dcg_h5_attrs. */
struct dcg_h5_attr {
	char name[256];
	enum dcg_h5_kind kind; /* NUMBER or STRING; OTHER for arrays and the rest */
	bool is_integer;       /* NUMBER: stored as an integer type */
	double number;         /* NUMBER (first element of a 1-D attribute) */
	size_t n;              /* number of elements (1 for a scalar) */
	char text[256];        /* STRING, truncated to fit */
};

/* One reserve-margin event (a row of /events). */
struct dcg_h5_event {
	size_t region;     /* index into /regions */
	char region_name[64];
	int kind;          /* 0 = below its minimum, 1 = recovers */
	double time;       /* decimal years */
};

/* Opens path read-only and checks that it is a dcgrid result (root
 * attribute `schema` starting with "dcgrid/"). *ret_file is closed with
 * dcg_h5_close. Errors: DCG_EUSAGE for a missing file or one that is not
 * HDF5 or not a dcgrid result (status 2 at the command line), DCG_EHDF5. */
int dcg_h5_open(const char *path, struct dcg_h5_file **ret_file,
		struct dcg_error *err);
void dcg_h5_close(struct dcg_h5_file *f); /* accepts NULL */

/* The path the file was opened with (borrowed from f). */
const char *dcg_h5_path(const struct dcg_h5_file *f);

/* True when an object (group or dataset) of that path exists. */
bool dcg_h5_exists(struct dcg_h5_file *f, const char *path);

/* Every dataset of the file, depth first in creation order (name order for
 * files that do not track it): root datasets, then each group's. *ret_vars
 * is an array of *ret_n entries, caller frees (free()). */
int dcg_h5_list(struct dcg_h5_file *f, struct dcg_h5_var **ret_vars,
		size_t *ret_n, struct dcg_error *err);

/* Describes one dataset. DCG_EHDF5 "FILE: no dataset PATH" when absent. */
int dcg_h5_describe(struct dcg_h5_file *f, const char *path,
		    struct dcg_h5_var *ret_var, struct dcg_error *err);

/* Reads a numeric dataset as doubles, row-major (caller frees *ret_data;
 * a dataset without points gives a 1-element allocation). ret_var, when
 * non-NULL, receives its description. */
int dcg_h5_read_doubles(struct dcg_h5_file *f, const char *path,
			double **ret_data, struct dcg_h5_var *ret_var,
			struct dcg_error *err);

/* Reads a 1-D string dataset (a label coordinate such as /regions).
 * *ret_labels holds *ret_n strings; free with dcg_h5_labels_free. */
int dcg_h5_read_labels(struct dcg_h5_file *f, const char *path,
		       char ***ret_labels, size_t *ret_n,
		       struct dcg_error *err);
void dcg_h5_labels_free(char **labels, size_t n); /* accepts NULL */

/* Reads string attribute `name` of object obj ("/" for the root) (caller
 * frees *ret_text). DCG_EHDF5 when absent or not a string. */
int dcg_h5_attr_text(struct dcg_h5_file *f, const char *obj,
		     const char *name, char **ret_text,
		     struct dcg_error *err);

/* Reads every element of a string attribute (scalar or 1-D, such as
 * /sensitivity@parameters); free with dcg_h5_labels_free. */
int dcg_h5_attr_texts(struct dcg_h5_file *f, const char *obj,
		      const char *name, char ***ret_texts, size_t *ret_n,
		      struct dcg_error *err);

/* Reads a numeric scalar attribute (any integer or float type). */
int dcg_h5_attr_number(struct dcg_h5_file *f, const char *obj,
		       const char *name, double *ret_value,
		       struct dcg_error *err);

/* Every attribute of obj in creation order (caller frees *ret_attrs). */
int dcg_h5_attrs(struct dcg_h5_file *f, const char *obj,
		 struct dcg_h5_attr **ret_attrs, size_t *ret_n,
		 struct dcg_error *err);

/* The rows of /events (*ret_n = 0 and *ret_events = NULL when the file
 * has none; caller frees). */
int dcg_h5_read_events(struct dcg_h5_file *f, struct dcg_h5_event **ret_events,
		       size_t *ret_n, struct dcg_error *err);

/* Key figures of a run for planners (`dcgrid info`, `dcgrid compare`).
 * Values that a file cannot give (no grid, a year outside the horizon)
 * are NaN. "At" figures are taken at the output time nearest to `year`
 * (a decimal year, e.g. 2030.0); calendar-year totals are those of the
 * calendar year floor(year) when it lies wholly inside the horizon. */
struct dcg_h5_figures {
	char scenario[64];
	bool complete;
	bool grid;
	double t_start, t_end;       /* first and last output time */
	double year;                 /* the year asked for */
	double t_at;                 /* the output time used for "at" figures */
	size_t K;                    /* hardware classes */
	char hardware[DCG_H5_FIG_CLASSES][64];
	double racks_by_class[DCG_H5_FIG_CLASSES]; /* at t_at, physical racks */
	double racks;                /* at t_at, all classes, physical racks */
	double standard_racks;       /* at t_at, MIIT standard racks */
	double it_load_gw;           /* at t_at */
	double facility_load_gw;     /* at t_at */
	double dc_energy_twh;        /* calendar year, all regions, TWh */
	double dc_energy_rate;       /* at t_at, TWh/year */
	double consumption_twh;      /* calendar year, TWh (grid) */
	double emissions_mt;         /* calendar year, Mt CO2 (grid) */
	double unserved_twh;         /* calendar year, TWh (grid) */
	double unserved_total_twh;   /* whole horizon, TWh (grid) */
	double emissions_total_mt;   /* whole horizon, Mt CO2 (grid) */
	double rm_at_min;            /* lowest regional reserve margin at t_at */
	char rm_at_region[64];
	double rm_min;               /* lowest reserve margin over the horizon */
	char rm_min_region[64];
	double rm_min_time;
	double peak_demand_gw;       /* at t_at, sum of regional peaks (grid) */
	double firm_capacity_gw;     /* at t_at, all regions (grid) */
	size_t n_events;
	size_t n_below;              /* events where a margin falls below */
};

int dcg_h5_key_figures(struct dcg_h5_file *f, double year,
		       struct dcg_h5_figures *ret_fig, struct dcg_error *err);

/* One difference found by dcg_h5_compare. */
struct dcg_h5_diff {
	char path[256];
	const char *what;   /* static text: "only in A", "only in B", "type",
			       "shape", "values" */
	size_t n_differ;    /* "values": elements whose bytes differ */
	double max_abs;     /* "values", numbers: largest |a - b| */
};

/* Compares every dataset of a and b: the same set of paths, kinds and
 * shapes, and bit-identical values (numbers compared as IEEE doubles byte
 * for byte, strings as text, tables byte for byte). *ret_ndiff is the
 * number of differing datasets; when ret_diffs is non-NULL it receives
 * them (caller frees). *ret_ncompared is the number of datasets compared. */
int dcg_h5_compare(struct dcg_h5_file *a, struct dcg_h5_file *b,
		   struct dcg_h5_diff **ret_diffs, size_t *ret_ndiff,
		   size_t *ret_ncompared, struct dcg_error *err);

#endif
