#ifndef ZONAL_CSPATIALITE_SHIM_H
#define ZONAL_CSPATIALITE_SHIM_H
#include <sqlite3.h>
#include <spatialite.h>

/* SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift
   cannot import; bind calls use this instead. */
static inline sqlite3_destructor_type zonal_sqlite_transient(void) { return SQLITE_TRANSIENT; }
#endif
