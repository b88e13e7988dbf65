/* dcgrid: data-center capacity and power-grid planning. Umbrella header. */
#ifndef DCGRID_DCGRID_H
#define DCGRID_DCGRID_H

#include "dcgrid/config.h"
#include "dcgrid/h5.h"
#include "dcgrid/model.h"
#include "dcgrid/result.h"
#include "dcgrid/schedule.h"
#include "dcgrid/solver.h"
#include "dcgrid/status.h"
#include "dcgrid/version.h"

#endif
