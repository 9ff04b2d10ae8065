// Builds the stream tree for a distributed plan's merge tree.

#include "executor/merge_operators.h"
#include "grammar/sql_error.h"

namespace shardql {
namespace {

int64_t ParamInteger(const ExecContext& ctx, uint32_t index, const char* what) {
  const Value& v = index <= ctx.params.size() ? ctx.params[index - 1] : Value::Null();
  if (v.kind() != Value::Kind::kInteger) {
    throw SqlError(sqlstate::kDatatypeMismatch,
                   std::string("the ") + what + " parameter must be an integer");
  }
  return v.integer();
}

// Counts a merge's rows for EXPLAIN ANALYZE.
class CountingStream : public RowStream {
 public:
  CountingStream(std::unique_ptr<RowStream> child, const MergeNode& node, ExecStats& stats)
      : child_(std::move(child)), node_(node), stats_(stats) {}
  ~CountingStream() override {
    std::lock_guard lock(stats_.mutex);
    stats_.merge_rows[&node_] += rows_;
  }
  size_t width() const override { return child_->width(); }
  bool Next(RowBatch& out) override {
    if (!child_->Next(out)) return false;
    rows_ += out.rows();
    return true;
  }

 private:
  std::unique_ptr<RowStream> child_;
  const MergeNode& node_;
  ExecStats& stats_;
  size_t rows_ = 0;
};

std::unique_ptr<RowStream> OpenNode(const MergeNode& node, ExecContext& ctx);

}  // namespace

std::unique_ptr<RowStream> OpenMergeTree(const MergeNode& node, ExecContext& ctx) {
  std::unique_ptr<RowStream> stream = OpenNode(node, ctx);
  if (ctx.stats && node.kind != MergeKind::kRoute) {
    return std::make_unique<CountingStream>(std::move(stream), node, *ctx.stats);
  }
  return stream;
}

namespace {

std::unique_ptr<RowStream> OpenNode(const MergeNode& node, ExecContext& ctx) {
  const Dialect& dialect = ctx.cluster.dialect();
  size_t batch_rows = ctx.settings.batch_rows;
  switch (node.kind) {
    case MergeKind::kRoute:
      return std::make_unique<RouteStream>(*node.route, ctx, false);
    case MergeKind::kGather: {
      std::vector<std::function<std::unique_ptr<RowStream>()>> children;
      for (const auto& child : node.children)
        children.push_back([&child = *child, &ctx] { return OpenMergeTree(child, ctx); });
      return MakeGather(std::move(children), node.width);
    }
    case MergeKind::kMergeSort: {
      const MergeNode& child = *node.children.at(0);
      if (child.kind != MergeKind::kRoute) {
        return MakeSort(OpenMergeTree(child, ctx), node.sort_keys, dialect, batch_rows);
      }
      return MakeMergeSort(std::make_unique<RouteStream>(*child.route, ctx, true), node.sort_keys,
                           dialect, batch_rows);
    }
    case MergeKind::kSort:
      return MakeSort(OpenMergeTree(*node.children.at(0), ctx), node.sort_keys, dialect,
                      batch_rows);
    case MergeKind::kLimit: {
      std::optional<int64_t> limit = node.limit;
      int64_t offset = node.offset.value_or(0);
      if (node.limit_param) {
        int64_t v = ParamInteger(ctx, node.limit_param, "LIMIT");
        limit = v < 0 ? std::nullopt : std::optional<int64_t>(v);
      }
      if (node.offset_param)
        offset = std::max<int64_t>(0, ParamInteger(ctx, node.offset_param, "OFFSET"));
      return MakeLimit(OpenMergeTree(*node.children.at(0), ctx), limit, offset);
    }
    case MergeKind::kFinalAggregate:
      return MakeFinalAggregate(OpenMergeTree(*node.children.at(0), ctx), node, dialect,
                                batch_rows);
    case MergeKind::kDistinct:
      return MakeDistinct(OpenMergeTree(*node.children.at(0), ctx), node.column_collations,
                          dialect);
    case MergeKind::kProject:
      return MakeProject(OpenMergeTree(*node.children.at(0), ctx), node.columns);
    case MergeKind::kLocalQuery:
      return MakeLocalQuery(node, ctx);
  }
  throw SqlError(sqlstate::kInternalError, "internal error: unknown merge");
}

}  // namespace
}  // namespace shardql
