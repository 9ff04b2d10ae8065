#include "backends/backend.h"

namespace shardql {

BackendStatus BackendConnection::ExecuteForEachRow(const std::string& sql, const RowBatch& rows) {
  std::vector<Value> params(rows.width);
  BackendStatus total;
  for (size_t r = 0; r < rows.rows(); ++r) {
    for (size_t c = 0; c < rows.width; ++c)
      params[c] = rows.at(r, c);
    BackendStatus status = Execute(sql, params, nullptr, 1);
    if (!status.ok) return status;
    total.rows_changed += status.rows_changed;
  }
  return total;
}

}  // namespace shardql
