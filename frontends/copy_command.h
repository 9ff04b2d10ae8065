#pragma once
// psql's \copy: a table (or some of its columns) to a file, or a file into a table, in
// PostgreSQL's text format (tab-separated, \N for NULL) or CSV, with HEADER, DELIMITER and NULL
// options:
//
//   \copy orders FROM 'orders.csv' WITH (FORMAT csv, HEADER)
//   \copy orders (order_num, amount) TO orders.txt
//   \copy orders FROM orders.csv csv header
//
// A load runs in one transaction (all its rows or none: a bad line names its line number, as
// COPY does) and, when it takes a while, reports its progress on the error stream.

#include <iosfwd>
#include <string>

#include "executor/session.h"

namespace shardql {

// Runs the \copy whose arguments (after "\copy") are `arguments`; writes "COPY n" to `out`.
// Throws SqlError for a bad command, a file that cannot be opened or a bad line.
void RunCopyCommand(Session& session, const std::string& arguments, std::ostream& out,
                    std::ostream& progress);

}  // namespace shardql
