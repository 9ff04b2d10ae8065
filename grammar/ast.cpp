#include "grammar/ast.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace shardql::ast {

const char* ToString(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kDiv:
      return "/";
    case BinaryOp::kMod:
      return "%";
    case BinaryOp::kConcat:
      return "||";
    case BinaryOp::kEq:
      return "=";
    case BinaryOp::kNotEq:
      return "<>";
    case BinaryOp::kLt:
      return "<";
    case BinaryOp::kLtEq:
      return "<=";
    case BinaryOp::kGt:
      return ">";
    case BinaryOp::kGtEq:
      return ">=";
    case BinaryOp::kAnd:
      return "AND";
    case BinaryOp::kOr:
      return "OR";
    case BinaryOp::kBitAnd:
      return "&";
    case BinaryOp::kBitOr:
      return "|";
    case BinaryOp::kShiftLeft:
      return "<<";
    case BinaryOp::kShiftRight:
      return ">>";
  }
  return "?";
}

const char* ToString(UnaryOp op) {
  switch (op) {
    case UnaryOp::kMinus:
      return "-";
    case UnaryOp::kPlus:
      return "+";
    case UnaryOp::kNot:
      return "NOT";
    case UnaryOp::kBitNot:
      return "~";
  }
  return "?";
}

const char* ToString(JoinKind kind) {
  switch (kind) {
    case JoinKind::kInner:
      return "INNER";
    case JoinKind::kLeft:
      return "LEFT";
    case JoinKind::kRight:
      return "RIGHT";
    case JoinKind::kFull:
      return "FULL";
    case JoinKind::kCross:
      return "CROSS";
  }
  return "?";
}

const char* ToString(SetOpKind kind) {
  switch (kind) {
    case SetOpKind::kUnion:
      return "UNION";
    case SetOpKind::kIntersect:
      return "INTERSECT";
    case SetOpKind::kExcept:
      return "EXCEPT";
  }
  return "?";
}

const char* ToString(StatementKind kind) {
  switch (kind) {
    case StatementKind::kSelect:
      return "SELECT";
    case StatementKind::kInsert:
      return "INSERT";
    case StatementKind::kUpdate:
      return "UPDATE";
    case StatementKind::kDelete:
      return "DELETE";
    case StatementKind::kCreateTable:
      return "CREATE TABLE";
    case StatementKind::kCreateIndex:
      return "CREATE INDEX";
    case StatementKind::kCreateView:
      return "CREATE VIEW";
    case StatementKind::kDrop:
      return "DROP";
    case StatementKind::kTransaction:
      return "TRANSACTION";
    case StatementKind::kExplain:
      return "EXPLAIN";
    case StatementKind::kSet:
      return "SET";
    case StatementKind::kShow:
      return "SHOW";
    case StatementKind::kPrepare:
      return "PREPARE";
    case StatementKind::kExecute:
      return "EXECUTE";
    case StatementKind::kDeallocate:
      return "DEALLOCATE";
    case StatementKind::kAnalyze:
      return "ANALYZE";
    case StatementKind::kUnsupported:
      return "UNSUPPORTED";
  }
  return "?";
}

namespace {

// Writes the S-expression form. Names print bare when they look like folded identifiers and
// double-quoted otherwise, so case folding and quoting are visible; strings print with C escapes.
class Printer {
 public:
  std::string Take() { return std::move(out_); }

  void Statement(const ast::Statement& s) {
    switch (s.kind) {
      case StatementKind::kSelect:
        return Query(*s.As<SelectStatement>().query);
      case StatementKind::kInsert:
        return Insert(s.As<InsertStatement>());
      case StatementKind::kUpdate:
        return Update(s.As<UpdateStatement>());
      case StatementKind::kDelete:
        return Delete(s.As<DeleteStatement>());
      case StatementKind::kCreateTable:
        return CreateTable(s.As<CreateTableStatement>());
      case StatementKind::kCreateIndex:
        return CreateIndex(s.As<CreateIndexStatement>());
      case StatementKind::kCreateView:
        return CreateView(s.As<CreateViewStatement>());
      case StatementKind::kDrop:
        return Drop(s.As<DropStatement>());
      case StatementKind::kTransaction:
        return Transaction(s.As<TransactionStatement>());
      case StatementKind::kExplain:
        return Explain(s.As<ExplainStatement>());
      case StatementKind::kSet:
        return Set(s.As<SetStatement>());
      case StatementKind::kShow:
        Open("show");
        DottedName(s.As<ShowStatement>().name);
        return Close();
      case StatementKind::kPrepare: {
        const auto& prepare = s.As<PrepareStatement>();
        Open("prepare");
        Name(prepare.name);
        for (const TypeName& t : prepare.param_types)
          Type(t);
        Statement(*prepare.statement);
        return Close();
      }
      case StatementKind::kExecute: {
        const auto& execute = s.As<ExecuteStatement>();
        Open("execute");
        Name(execute.name);
        for (const ExprPtr& arg : execute.args)
          Expr(*arg);
        return Close();
      }
      case StatementKind::kDeallocate: {
        const auto& deallocate = s.As<DeallocateStatement>();
        Open("deallocate");
        if (deallocate.all) {
          Flag(":all", true);
        } else {
          Name(deallocate.name);
        }
        return Close();
      }
      case StatementKind::kAnalyze: {
        const auto& analyze = s.As<AnalyzeStatement>();
        Open("analyze");
        Flag(":verbose", analyze.verbose);
        for (const auto& name : analyze.tables)
          Name(fmt::format("{}", fmt::join(name, ".")));
        return Close();
      }
      case StatementKind::kUnsupported:
        Open("unsupported");
        String(s.As<UnsupportedStatement>().feature);
        return Close();
    }
  }

  void Expr(const ast::Expr& e) {
    switch (e.kind) {
      case ExprKind::kLiteral:
        return Literal(e.As<ast::Literal>());
      case ExprKind::kColumnRef:
        Open("col");
        QualifiedName(e.As<ColumnRef>().parts);
        return Close();
      case ExprKind::kStar: {
        Open("star");
        const auto& star = e.As<ast::Star>();
        if (!star.qualifier.empty()) QualifiedName(star.qualifier);
        return Close();
      }
      case ExprKind::kParam:
        Open("param");
        Word(std::to_string(e.As<Param>().index));
        return Close();
      case ExprKind::kUnary: {
        const auto& unary = e.As<Unary>();
        Open("unary");
        Word(ToString(unary.op));
        Expr(*unary.operand);
        return Close();
      }
      case ExprKind::kBinary: {
        const auto& binary = e.As<Binary>();
        Open("binary");
        Word(ToString(binary.op));
        Expr(*binary.left);
        Expr(*binary.right);
        return Close();
      }
      case ExprKind::kIsNull: {
        const auto& is_null = e.As<IsNull>();
        Open(is_null.negated ? "is-not-null" : "is-null");
        Expr(*is_null.operand);
        return Close();
      }
      case ExprKind::kIsBool: {
        const auto& is_bool = e.As<IsBool>();
        const char* test = is_bool.test == BoolTest::kTrue    ? "true"
                           : is_bool.test == BoolTest::kFalse ? "false"
                                                              : "unknown";
        Open(fmt::format("is-{}{}", is_bool.negated ? "not-" : "", test));
        Expr(*is_bool.operand);
        return Close();
      }
      case ExprKind::kIsDistinct: {
        const auto& distinct = e.As<IsDistinct>();
        Open(distinct.negated ? "is-not-distinct-from" : "is-distinct-from");
        Expr(*distinct.left);
        Expr(*distinct.right);
        return Close();
      }
      case ExprKind::kBetween: {
        const auto& between = e.As<ast::Between>();
        Open(between.negated ? "not-between" : "between");
        Expr(*between.operand);
        Expr(*between.low);
        Expr(*between.high);
        return Close();
      }
      case ExprKind::kInList: {
        const auto& in = e.As<InList>();
        Open(in.negated ? "not-in" : "in");
        Expr(*in.operand);
        Open("list");
        for (const ExprPtr& item : in.list)
          Expr(*item);
        Close();
        return Close();
      }
      case ExprKind::kInQuery: {
        const auto& in = e.As<InQuery>();
        Open(in.negated ? "not-in" : "in");
        Expr(*in.operand);
        Query(*in.query);
        return Close();
      }
      case ExprKind::kLike: {
        const auto& like = e.As<ast::Like>();
        Open(fmt::format("{}{}", like.negated ? "not-" : "",
                         like.like_kind == LikeKind::kILike ? "ilike" : "like"));
        Expr(*like.operand);
        Expr(*like.pattern);
        if (like.escape) {
          Open("escape");
          Expr(*like.escape);
          Close();
        }
        return Close();
      }
      case ExprKind::kCase:
        return Case(e.As<ast::Case>());
      case ExprKind::kCast: {
        const auto& cast = e.As<ast::Cast>();
        Open("cast");
        Expr(*cast.operand);
        Type(cast.type);
        return Close();
      }
      case ExprKind::kCollate: {
        const auto& collate = e.As<ast::Collate>();
        Open("collate");
        Expr(*collate.operand);
        Name(collate.collation);
        return Close();
      }
      case ExprKind::kFunction:
        return Function(e.As<ast::Function>());
      case ExprKind::kExists:
        Open("exists");
        Query(*e.As<Exists>().query);
        return Close();
      case ExprKind::kSubquery:
        Open("subquery");
        Query(*e.As<Subquery>().query);
        return Close();
      case ExprKind::kQuantified: {
        const auto& quantified = e.As<Quantified>();
        Open("quantified");
        Word(ToString(quantified.op));
        Word(quantified.quantifier == Quantifier::kAll ? "all" : "any");
        Expr(*quantified.left);
        Query(*quantified.query);
        return Close();
      }
    }
  }

 private:
  // ---- Output primitives ----------------------------------------------------------------------

  void Separate() {
    if (!out_.empty() && out_.back() != '(') out_ += ' ';
  }
  void Open(std::string_view head) {
    Separate();
    out_ += '(';
    out_ += head;
  }
  void Close() { out_ += ')'; }
  void Word(std::string_view word) {
    Separate();
    out_ += word;
  }
  void Flag(std::string_view flag, bool on) {
    if (on) Word(flag);
  }

  // A name prints bare when reading it back as SQL would give the same name; `dotted` also lets
  // '.' through, for the function and setting names the AST keeps joined with '.'.
  static bool IsPlainName(std::string_view name, bool dotted = false) {
    if (name.empty() || (name[0] >= '0' && name[0] <= '9') || name[0] == '$') return false;
    for (char c : name) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
                (dotted && c == '.');
      if (!ok) return false;
    }
    return true;
  }

  static void AppendName(std::string& out, std::string_view name) {
    if (IsPlainName(name)) {
      out += name;
      return;
    }
    out += '"';
    for (char c : name) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }

  void Name(std::string_view name) {
    Separate();
    AppendName(out_, name);
  }

  void DottedName(std::string_view name) {
    if (!IsPlainName(name, /*dotted=*/true)) return Name(name);
    Word(name);
  }

  void QualifiedName(const std::vector<std::string>& parts) {
    Separate();
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) out_ += '.';
      AppendName(out_, parts[i]);
    }
  }

  // A bare list of names: (a b c).
  void Names(const std::vector<std::string>& names) {
    Separate();
    out_ += '(';
    for (size_t i = 0; i < names.size(); ++i) {
      if (i > 0) out_ += ' ';
      AppendName(out_, names[i]);
    }
    out_ += ')';
  }

  void String(std::string_view value) {
    Separate();
    out_ += '"';
    for (unsigned char c : value) {
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\n':
          out_ += "\\n";
          break;
        case '\t':
          out_ += "\\t";
          break;
        case '\r':
          out_ += "\\r";
          break;
        default:
          if (c < 0x20 || c == 0x7F) {
            out_ += fmt::format("\\x{:02x}", c);
          } else {
            out_ += static_cast<char>(c);
          }
      }
    }
    out_ += '"';
  }

  // ---- Expressions ----------------------------------------------------------------------------

  void Literal(const ast::Literal& literal) {
    switch (literal.literal_kind) {
      case LiteralKind::kNull:
        Open("null");
        break;
      case LiteralKind::kInteger:
        Open("int");
        Word(literal.text);
        break;
      case LiteralKind::kFloat:
        Open("float");
        Word(literal.text);
        break;
      case LiteralKind::kString:
        Open("str");
        String(literal.text);
        break;
      case LiteralKind::kBlob: {
        Open("blob");
        std::string hex;
        for (unsigned char c : literal.text)
          hex += fmt::format("{:02x}", c);
        Word("x'" + hex + "'");
        break;
      }
      case LiteralKind::kBoolean:
        Open("bool");
        Word(literal.text);
        break;
    }
    Close();
  }

  void Case(const ast::Case& node) {
    Open("case");
    if (node.operand) {
      Open("operand");
      Expr(*node.operand);
      Close();
    }
    for (const WhenClause& when : node.whens) {
      Open("when");
      Expr(*when.when);
      Expr(*when.then);
      Close();
    }
    if (node.else_result) {
      Open("else");
      Expr(*node.else_result);
      Close();
    }
    Close();
  }

  void Type(const TypeName& type) {
    Open("type");
    Name(type.name);
    for (const std::string& modifier : type.modifiers)
      Word(modifier);
    Close();
  }

  void Function(const ast::Function& function) {
    Open("func");
    DottedName(function.name);
    Flag("distinct", function.distinct);
    Flag("*", function.star);
    for (const ExprPtr& arg : function.args)
      Expr(*arg);
    if (function.filter) {
      Open("filter");
      Expr(*function.filter);
      Close();
    }
    if (function.over) {
      Open("over");
      Window(*function.over);
      Close();
    }
    Close();
  }

  void Window(const WindowSpec& spec) {
    Open("window");
    if (!spec.name.empty()) Name(spec.name);
    if (!spec.partition_by.empty()) {
      Open("partition-by");
      for (const ExprPtr& e : spec.partition_by)
        Expr(*e);
      Close();
    }
    OrderBy(spec.order_by);
    if (!spec.frame.empty()) {
      Open("frame");
      String(spec.frame);
      Close();
    }
    Close();
  }

  void Sort(const ast::Expr& e, SortDirection direction, NullsOrder nulls,
            const std::string& collation = "") {
    if (direction == SortDirection::kDefault && nulls == NullsOrder::kDefault &&
        collation.empty()) {
      return Expr(e);
    }
    Open("sort");
    Expr(e);
    Flag("asc", direction == SortDirection::kAsc);
    Flag("desc", direction == SortDirection::kDesc);
    Flag("nulls-first", nulls == NullsOrder::kFirst);
    Flag("nulls-last", nulls == NullsOrder::kLast);
    if (!collation.empty()) {
      Word(":collate");
      Name(collation);
    }
    Close();
  }

  void OrderBy(const std::vector<OrderItem>& items) {
    if (items.empty()) return;
    Open("order-by");
    for (const OrderItem& item : items)
      Sort(*item.expr, item.direction, item.nulls);
    Close();
  }

  // ---- Queries --------------------------------------------------------------------------------

  void Query(const ast::Query& query) {
    bool bare = query.with.empty() && query.order_by.empty() && !query.limit && !query.offset;
    if (bare) return Body(*query.body);
    Open("query");
    if (!query.with.empty()) {
      Open("with");
      for (const CommonTableExpr& cte : query.with) {
        Open("cte");
        Name(cte.name);
        if (!cte.column_names.empty()) Names(cte.column_names);
        Query(*cte.query);
        Close();
      }
      Close();
    }
    Body(*query.body);
    OrderBy(query.order_by);
    Clause("limit", query.limit.get());
    Clause("offset", query.offset.get());
    Close();
  }

  void Clause(std::string_view head, const ast::Expr* e) {
    if (!e) return;
    Open(head);
    Expr(*e);
    Close();
  }

  void Body(const QueryBody& body) {
    switch (body.kind) {
      case QueryBodyKind::kSelect:
        return Select(*body.select);
      case QueryBodyKind::kValues:
        Open("values");
        for (const auto& row : body.values) {
          Open("row");
          for (const ExprPtr& e : row)
            Expr(*e);
          Close();
        }
        return Close();
      case QueryBodyKind::kSetOp:
        Open(body.set_op == SetOpKind::kUnion       ? "union"
             : body.set_op == SetOpKind::kIntersect ? "intersect"
                                                    : "except");
        Flag("all", body.all);
        Body(*body.left);
        Body(*body.right);
        return Close();
      case QueryBodyKind::kNested:
        return Query(*body.nested);
    }
  }

  void Select(const SelectCore& core) {
    Open("select");
    Flag("distinct", core.distinct);
    Open("items");
    for (const SelectItem& item : core.items) {
      if (item.has_alias) {
        Open("as");
        Expr(*item.expr);
        Name(item.alias);
        Close();
      } else {
        Expr(*item.expr);
      }
    }
    Close();
    if (!core.from.empty()) {
      Open("from");
      for (const TableRefPtr& table : core.from)
        TableRef(*table);
      Close();
    }
    Clause("where", core.where.get());
    if (!core.group_by.empty()) {
      Open("group-by");
      for (const ExprPtr& e : core.group_by)
        Expr(*e);
      Close();
    }
    Clause("having", core.having.get());
    if (!core.windows.empty()) {
      Open("windows");
      for (const auto& [name, spec] : core.windows) {
        Open("define");
        Name(name);
        Window(*spec);
        Close();
      }
      Close();
    }
    Close();
  }

  void Aliases(const std::string& alias, const std::vector<std::string>& columns) {
    if (!alias.empty()) {
      Word(":alias");
      Name(alias);
    }
    if (!columns.empty()) {
      Word(":columns");
      Names(columns);
    }
  }

  void TableRef(const ast::TableRef& table) {
    switch (table.kind) {
      case TableRefKind::kNamed: {
        const auto& named = table.As<NamedTable>();
        Open("table");
        QualifiedName(named.name);
        Aliases(named.alias, named.column_aliases);
        return Close();
      }
      case TableRefKind::kDerived: {
        const auto& derived = table.As<DerivedTable>();
        Open("derived");
        Query(*derived.query);
        Aliases(derived.alias, derived.column_aliases);
        return Close();
      }
      case TableRefKind::kJoin: {
        const auto& join = table.As<JoinRef>();
        Open("join");
        Flag("natural", join.natural);
        std::string kind = ToString(join.join_kind);
        for (char& c : kind)
          c = static_cast<char>(c - 'A' + 'a');
        Word(kind);
        TableRef(*join.left);
        TableRef(*join.right);
        if (join.on) {
          Word(":on");
          Expr(*join.on);
        }
        if (!join.using_columns.empty()) {
          Word(":using");
          Names(join.using_columns);
        }
        return Close();
      }
    }
  }

  // ---- Statements -----------------------------------------------------------------------------

  void Insert(const InsertStatement& s) {
    Open("insert");
    QualifiedName(s.table);
    Aliases(s.alias, {});
    if (!s.columns.empty()) {
      Word(":columns");
      Names(s.columns);
    }
    if (s.default_values) Word(":default-values");
    if (s.source) Query(*s.source);
    Close();
  }

  void Update(const UpdateStatement& s) {
    Open("update");
    QualifiedName(s.table);
    Aliases(s.alias, {});
    for (const Assignment& a : s.assignments) {
      Open("set");
      Name(a.column);
      if (a.value) {
        Expr(*a.value);
      } else {
        Word("default");
      }
      Close();
    }
    Clause("where", s.where.get());
    Close();
  }

  void Delete(const DeleteStatement& s) {
    Open("delete");
    QualifiedName(s.table);
    Aliases(s.alias, {});
    Clause("where", s.where.get());
    Close();
  }

  void CreateTable(const CreateTableStatement& s) {
    Open("create-table");
    QualifiedName(s.table);
    Flag(":temp", s.temporary);
    Flag(":if-not-exists", s.if_not_exists);
    for (const ColumnDef& c : s.columns) {
      Open("column");
      Name(c.name);
      if (c.type) Type(*c.type);
      Flag(":not-null", c.not_null);
      Flag(":primary-key", c.primary_key);
      Flag(":desc", c.primary_key_desc);
      Flag(":autoincrement", c.autoincrement);
      Flag(":unique", c.unique);
      if (c.default_value) {
        Word(":default");
        Expr(*c.default_value);
      }
      if (!c.collation.empty()) {
        Word(":collate");
        Name(c.collation);
      }
      for (const ExprPtr& check : c.checks) {
        Word(":check");
        Expr(*check);
      }
      Close();
    }
    for (const TableConstraint& c : s.constraints)
      Constraint(c);
    if (s.distribution.kind == DistributionKind::kHash) {
      Open("distribute-by-hash");
      Name(s.distribution.column);
      Close();
    } else if (s.distribution.kind == DistributionKind::kReference) {
      Open("distribute-by-reference");
      Close();
    }
    Close();
  }

  void Constraint(const TableConstraint& c) {
    switch (c.kind) {
      case TableConstraintKind::kPrimaryKey:
        Open("primary-key");
        Names(c.columns);
        break;
      case TableConstraintKind::kUnique:
        Open("unique");
        Names(c.columns);
        break;
      case TableConstraintKind::kCheck:
        Open("check");
        Expr(*c.check);
        break;
      case TableConstraintKind::kForeignKey:
        Open("foreign-key");
        Names(c.columns);
        Word(":references");
        QualifiedName(c.ref_table);
        if (!c.ref_columns.empty()) Names(c.ref_columns);
        break;
    }
    if (!c.name.empty()) {
      Word(":name");
      Name(c.name);
    }
    Close();
  }

  void CreateIndex(const CreateIndexStatement& s) {
    Open("create-index");
    if (!s.name.empty()) Name(s.name);
    Flag(":unique", s.unique);
    Flag(":if-not-exists", s.if_not_exists);
    Word(":on");
    QualifiedName(s.table);
    for (const IndexColumn& c : s.columns) {
      Sort(*c.expr, c.direction, NullsOrder::kDefault, c.collation);
    }
    Clause("where", s.where.get());
    Close();
  }

  void CreateView(const CreateViewStatement& s) {
    Open("create-view");
    QualifiedName(s.name);
    Flag(":or-replace", s.or_replace);
    Flag(":temp", s.temporary);
    Flag(":if-not-exists", s.if_not_exists);
    if (!s.column_names.empty()) {
      Word(":columns");
      Names(s.column_names);
    }
    Query(*s.query);
    Word(":text");
    String(s.query_text);
    Close();
  }

  void Drop(const DropStatement& s) {
    Open("drop");
    Word(s.object == ObjectKind::kTable   ? "table"
         : s.object == ObjectKind::kIndex ? "index"
                                          : "view");
    Flag(":if-exists", s.if_exists);
    for (const auto& name : s.names)
      QualifiedName(name);
    Flag(":cascade", s.cascade);
    Close();
  }

  void Transaction(const TransactionStatement& s) {
    Open(s.op == TransactionOp::kBegin    ? "begin"
         : s.op == TransactionOp::kCommit ? "commit"
                                          : "rollback");
    Close();
  }

  void Explain(const ExplainStatement& s) {
    Open("explain");
    Flag(":analyze", s.analyze);
    Flag(":verbose", s.verbose);
    Statement(*s.statement);
    Close();
  }

  void Set(const SetStatement& s) {
    Open("set");
    DottedName(s.name);
    Flag(":local", s.local);
    Flag(":default", s.to_default);
    for (const ExprPtr& value : s.values)
      Expr(*value);
    Close();
  }

  std::string out_;
};

}  // namespace

std::string DebugString(const Statement& statement) {
  Printer printer;
  printer.Statement(statement);
  return printer.Take();
}

std::string DebugString(const Expr& expr) {
  Printer printer;
  printer.Expr(expr);
  return printer.Take();
}

}  // namespace shardql::ast
