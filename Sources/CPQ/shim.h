#ifndef ZONAL_CPQ_SHIM_H
#define ZONAL_CPQ_SHIM_H
/* libpq, PostgreSQL's own client library: COPY for bulk loads, the wire
   protocol's errors as the server words them, ~/.pgpass and PGPASSWORD. */
#include <libpq-fe.h>
#endif
