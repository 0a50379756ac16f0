#ifndef ZONAL_CGEOS_SHIM_H
#define ZONAL_CGEOS_SHIM_H
/* The reentrant (_r) API only: its message handlers take a finished string
   and a userdata pointer, so Swift can install them directly. */
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#endif
