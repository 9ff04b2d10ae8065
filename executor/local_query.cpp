// The general path's merge node: loads the tables a query needs into a merge engine, then runs
// the query there.

#include "executor/cluster.h"
#include "executor/merge_engine.h"
#include "executor/merge_operators.h"
#include "executor/route_stream.h"
#include "grammar/sql_error.h"

namespace shardql {

namespace {

class LocalQueryStream : public RowStream {
 public:
  LocalQueryStream(const MergeNode& node, ExecContext& ctx)
      : cancel_(ctx.cancel),
        engine_(OpenMergeEngine(ctx.cluster, ctx.settings.merge_memory_limit_kb)),
        width_(node.width) {
    interrupt_ = cancel_.Register([this] { engine_->Interrupt(); });
    try {
      Open(node, ctx);
    } catch (const SqlError&) {
      cancel_.ThrowIfCancelled();  // the engine was interrupted: say why
      throw;
    }
  }
  ~LocalQueryStream() override { interrupt_.Reset(); }
  size_t width() const override { return width_; }
  bool Next(RowBatch& out) override {
    try {
      return query_->Next(out);
    } catch (const SqlError&) {
      cancel_.ThrowIfCancelled();
      throw;
    }
  }

 private:
  void Open(const MergeNode& node, ExecContext& ctx) {
    for (const TempTableLoad& load : node.loads) {
      std::string name = ctx.cluster.dialect().QuoteIdentifier(load.table);
      engine_->CreateTable(name, load.column_definitions);
      if (load.source) {
        RouteStream rows(*load.source, ctx, false);
        engine_->Load(name, rows, load.insert_columns);
      } else {
        std::unique_ptr<RowStream> rows = OpenMergeTree(*load.computed, ctx);
        engine_->Load(name, *rows, load.insert_columns);
      }
      for (const std::string& column : load.index_columns)
        engine_->CreateIndex(name, {column});
    }
    if (!node.children.empty()) {
      std::string name = ctx.cluster.dialect().QuoteIdentifier(node.child_table);
      engine_->CreateTable(name, node.child_columns);
      std::unique_ptr<RowStream> rows = OpenMergeTree(*node.children[0], ctx);
      engine_->Load(name, *rows);
    }
    bool indexed = false;
    for (const TempTableLoad& load : node.loads)
      indexed = indexed || !load.index_columns.empty();
    if (indexed) engine_->Analyze();
    query_ = engine_->Query(node.sql, ctx.params, width_, ctx.settings.batch_rows);
  }

  CancelToken& cancel_;
  std::unique_ptr<MergeEngine> engine_;
  size_t width_;
  CancelToken::Registration interrupt_;
  std::unique_ptr<RowStream> query_;
};

}  // namespace

std::unique_ptr<RowStream> MakeLocalQuery(const MergeNode& node, ExecContext& ctx) {
  return std::make_unique<LocalQueryStream>(node, ctx);
}

}  // namespace shardql
