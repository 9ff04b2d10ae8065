#pragma once
// Synthetic airline on-time rows for the demo's `flights` table (SEEDS.md §4: one row per flight,
// 29 attributes, and the Filter / Recorder / Merge jobs run over them). The rows are a pure
// function of (row number, seed): no std:: distributions, no floating point, no clock, so the
// same call gives byte-identical SQL on every machine and library version, and a test can pin
// query results on them.

#include <cstddef>
#include <cstdint>
#include <string>

namespace shardql::examples {

// What `shardql shell --demo` loads after examples/demo/schema.sql and data.sql.
inline constexpr size_t kDemoFlightRows = 5000;
inline constexpr uint64_t kDemoFlightSeed = 42;

// Batching keeps each statement a manageable size for the parser and for one shard round trip.
inline constexpr size_t kFlightsPerInsert = 500;

// INSERT INTO flights (...) VALUES ...; statements for flight_id 1..rows, at most
// kFlightsPerInsert rows per statement, each statement ending with ";\n". The note column is left
// out so it takes its default (NULL) until the Merge job fills it. Row i depends only on
// (seed, i), so a smaller `rows` gives a prefix of a larger one. Returns "" when rows == 0.
std::string GenerateFlightsSql(size_t rows, uint64_t seed);

}  // namespace shardql::examples
