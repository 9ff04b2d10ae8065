#include "grammar/ast_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "ShardQLParser.h"
#include "ShardQLParserBaseVisitor.h"
#include "antlr4-runtime.h"
#include "grammar/parser.h"
#include "grammar/stack_guard.h"

namespace shardql::grammar_internal {
namespace {

using P = shardql_gen::ShardQLParser;
using antlr4::Token;

constexpr size_t kMaxQuotedTokenBytes = 1000;

// ---------------------------------------------------------------------------------------------
// Text helpers

std::string FoldCase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string UpperCase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// 'it''s' -> it's, "a ""b""" -> a "b".
std::string Unquote(std::string_view quoted, char quote) {
  std::string out;
  out.reserve(quoted.size());
  for (size_t i = 1; i + 1 < quoted.size(); ++i) {
    out += quoted[i];
    if (quoted[i] == quote) ++i;  // the second of a doubled quote
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Length of the valid UTF-8 sequence at s[i], or 0 when it is invalid. NUL counts as invalid:
// PostgreSQL cannot store it in text.
size_t ValidUtf8Length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  auto continuation = [&](size_t k, unsigned lo, unsigned hi) {
    return k < s.size() && byte(k) >= lo && byte(k) <= hi;
  };
  unsigned char b0 = byte(i);
  if (b0 == 0) return 0;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) return continuation(i + 1, 0x80, 0xBF) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    unsigned lo = b0 == 0xE0 ? 0xA0 : 0x80;
    unsigned hi = b0 == 0xED ? 0x9F : 0xBF;  // no UTF-16 surrogates
    return continuation(i + 1, lo, hi) && continuation(i + 2, 0x80, 0xBF) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    unsigned lo = b0 == 0xF0 ? 0x90 : 0x80;
    unsigned hi = b0 == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
    return continuation(i + 1, lo, hi) && continuation(i + 2, 0x80, 0xBF) &&
                   continuation(i + 3, 0x80, 0xBF)
               ? 4
               : 0;
  }
  return 0;
}

// PostgreSQL's report_invalid_encoding: the bytes of the sequence the lead byte announces.
SqlError InvalidUtf8(std::string_view s, size_t i, size_t position) {
  unsigned char b0 = static_cast<unsigned char>(s[i]);
  size_t expected = (b0 & 0x80) == 0      ? 1
                    : (b0 & 0xE0) == 0xC0 ? 2
                    : (b0 & 0xF0) == 0xE0 ? 3
                    : (b0 & 0xF8) == 0xF0 ? 4
                                          : 1;
  std::string bytes;
  for (size_t k = i; k < s.size() && k < i + expected; ++k) {
    if (!bytes.empty()) bytes += ' ';
    bytes += fmt::format("0x{:02x}", static_cast<unsigned char>(s[k]));
  }
  return SqlError(kCharacterNotInRepertoire,
                  fmt::format("invalid byte sequence for encoding \"UTF8\": {}", bytes), position);
}

void ValidateUtf8(std::string_view s, size_t position) {
  for (size_t i = 0; i < s.size();) {
    size_t length = ValidUtf8Length(s, i);
    if (length == 0) throw InvalidUtf8(s, i, position);
    i += length;
  }
}

SqlError SyntaxError(std::string message, size_t position) {
  return SqlError(sqlstate::kSyntaxError, std::move(message), position);
}

// ---------------------------------------------------------------------------------------------
// Literal decoding

// E'...': PostgreSQL's backslash escapes.
std::string DecodeEscapeString(std::string_view token, size_t position) {
  std::string_view body = token.substr(2, token.size() - 3);  // E' ... '
  auto fail = [&](const char* what) { return SyntaxError(what + AtOrNear(token), position); };
  std::string out;
  out.reserve(body.size());
  char32_t pending_high_surrogate = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '\'') {  // '' inside the literal
      out += '\'';
      ++i;
      continue;
    }
    if (c != '\\' || i + 1 == body.size()) {
      if (pending_high_surrogate) throw fail("invalid Unicode surrogate pair");
      out += c;
      continue;
    }
    char e = body[++i];
    if (e == 'u' || e == 'U') {
      size_t digits = e == 'u' ? 4 : 8;
      char32_t cp = 0;
      for (size_t k = 0; k < digits; ++k) {
        int v = i + 1 + k < body.size() ? HexValue(body[i + 1 + k]) : -1;
        if (v < 0) throw fail("invalid Unicode escape");
        cp = cp * 16 + static_cast<char32_t>(v);
      }
      i += digits;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (pending_high_surrogate) throw fail("invalid Unicode surrogate pair");
        pending_high_surrogate = cp;
        continue;
      }
      if (cp >= 0xDC00 && cp <= 0xDFFF) {
        if (!pending_high_surrogate) throw fail("invalid Unicode surrogate pair");
        cp = 0x10000 + ((pending_high_surrogate - 0xD800) << 10) + (cp - 0xDC00);
        pending_high_surrogate = 0;
      } else if (pending_high_surrogate) {
        throw fail("invalid Unicode surrogate pair");
      }
      if (cp == 0 || cp > 0x10FFFF) throw fail("invalid Unicode escape value");
      AppendUtf8(out, cp);
      continue;
    }
    if (pending_high_surrogate) throw fail("invalid Unicode surrogate pair");
    switch (e) {
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'x': {
        int value = 0, count = 0;
        while (count < 2 && i + 1 < body.size() && HexValue(body[i + 1]) >= 0) {
          value = value * 16 + HexValue(body[++i]);
          ++count;
        }
        if (count == 0) {
          out += 'x';  // PostgreSQL: \x without digits is just x
        } else {
          out += static_cast<char>(value);
        }
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int value = e - '0';
          for (int count = 1;
               count < 3 && i + 1 < body.size() && body[i + 1] >= '0' && body[i + 1] <= '7';
               ++count) {
            value = value * 8 + (body[++i] - '0');
          }
          out += static_cast<char>(value & 0xFF);
        } else {
          out += e;  // \\, \', and any other character stand for themselves
        }
    }
  }
  if (pending_high_surrogate) throw fail("invalid Unicode surrogate pair");
  // Octal and hex escapes can spell bytes that are not UTF-8.
  ValidateUtf8(out, position);
  return out;
}

std::string DecodeBlob(std::string_view token, size_t position) {
  std::string_view digits = token.substr(2, token.size() - 3);  // X' ... '
  if (digits.size() % 2 != 0) {
    throw SyntaxError(
        "blob literal must have an even number of hexadecimal digits" + AtOrNear(token), position);
  }
  std::string out;
  out.reserve(digits.size() / 2);
  for (size_t i = 0; i < digits.size(); i += 2) {
    int high = HexValue(digits[i]), low = HexValue(digits[i + 1]);
    if (high < 0 || low < 0) {
      throw SyntaxError("invalid hexadecimal digit in blob literal" + AtOrNear(token), position);
    }
    out += static_cast<char>(high * 16 + low);
  }
  return out;
}

// 0x1F -> "31". SQLite semantics: up to 64 bits, read as two's complement.
std::string HexToDecimal(std::string_view token, size_t position) {
  std::string_view digits = token.substr(2);
  size_t first = digits.find_first_not_of('0');
  digits = first == std::string_view::npos ? std::string_view() : digits.substr(first);
  if (digits.size() > 16) {
    throw SyntaxError("hexadecimal integer literal is too large" + AtOrNear(token), position);
  }
  uint64_t value = 0;
  for (char c : digits) {
    value = value * 16 + static_cast<uint64_t>(HexValue(c));
  }
  return std::to_string(static_cast<int64_t>(value));
}

std::string NegateNumberText(const std::string& text) {
  return text.starts_with('-') ? text.substr(1) : "-" + text;
}

// ---------------------------------------------------------------------------------------------

ast::BinaryOp ComparisonOp(const Token* token) {
  switch (token->getType()) {
    case P::EQ:
    case P::EQ_EQ:
      return ast::BinaryOp::kEq;
    case P::NOT_EQ:
    case P::BANG_EQ:
      return ast::BinaryOp::kNotEq;
    case P::LT:
      return ast::BinaryOp::kLt;
    case P::LT_EQ:
      return ast::BinaryOp::kLtEq;
    case P::GT:
      return ast::BinaryOp::kGt;
    default:
      return ast::BinaryOp::kGtEq;
  }
}

ast::BinaryOp ArithmeticOp(const Token* token) {
  switch (token->getType()) {
    case P::STAR:
      return ast::BinaryOp::kMul;
    case P::SLASH:
      return ast::BinaryOp::kDiv;
    case P::PERCENT:
      return ast::BinaryOp::kMod;
    case P::PLUS:
      return ast::BinaryOp::kAdd;
    case P::MINUS:
      return ast::BinaryOp::kSub;
    case P::CONCAT:
      return ast::BinaryOp::kConcat;
    case P::SHIFT_LEFT:
      return ast::BinaryOp::kShiftLeft;
    case P::SHIFT_RIGHT:
      return ast::BinaryOp::kShiftRight;
    case P::AMPERSAND:
      return ast::BinaryOp::kBitAnd;
    default:
      return ast::BinaryOp::kBitOr;
  }
}

template <typename T>
std::unique_ptr<T> Node(ast::SourceSpan span) {
  auto node = std::make_unique<T>();
  node->span = span;
  return node;
}

// ---------------------------------------------------------------------------------------------
// The builder. Rules with labelled alternatives (expr, bitExpr, primary) dispatch through the
// generated visitor; a visit method leaves its expression in result_. Everything else is read
// through element labels by plain functions.

class AstBuilder : public shardql_gen::ShardQLParserBaseVisitor {
 public:
  AstBuilder(const SourceText& source, antlr4::TokenStream& tokens)
      : source_(source), tokens_(tokens) {}

  std::vector<ast::StatementPtr> BuildScript(P::ScriptContext* ctx) {
    std::vector<ast::StatementPtr> statements;
    statements.reserve(ctx->statements.size());
    for (P::StatementContext* statement : ctx->statements) {
      BeginTopLevelStatement(statement);
      statements.push_back(BuildStatement(statement));
    }
    return statements;
  }

 private:
  // Counts AST nesting (kMaxParseNestingDepth) and guards the C++ stack on the way down.
  class Nest {
   public:
    Nest(AstBuilder& builder, antlr4::ParserRuleContext* ctx, int levels = 1)
        : builder_(builder), levels_(levels) {
      builder_.depth_ += levels;
      if (builder_.depth_ > kMaxParseNestingDepth) {
        builder_.depth_ -= levels;
        throw NestingTooDeep(builder_.source_.Span(ctx).begin);
      }
      CheckStackDepth();
    }
    ~Nest() { builder_.depth_ -= levels_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;

   private:
    AstBuilder& builder_;
    int levels_;
  };

  // ---- Names ----------------------------------------------------------------------------------

  // One-token names: identifier, typeWord, columnLabel, bareLabel.
  std::string Word(const Token* token) const {
    std::string_view text = source_.TokenText(token);
    if (token->getType() != P::QUOTED_IDENTIFIER) return FoldCase(text);
    std::string name = Unquote(text, '"');
    if (name.empty()) {
      throw SyntaxError("zero-length delimited identifier" + AtOrNear(text),
                        source_.TokenSpan(token).begin);
    }
    return name;
  }
  std::string Word(antlr4::ParserRuleContext* ctx) const { return Word(ctx->getStart()); }

  template <typename Ctx>
  std::vector<std::string> Words(const std::vector<Ctx*>& contexts) const {
    std::vector<std::string> out;
    out.reserve(contexts.size());
    for (Ctx* ctx : contexts)
      out.push_back(Word(ctx));
    return out;
  }

  std::vector<std::string> QualifiedName(P::QualifiedNameContext* ctx) const {
    return Words(ctx->parts);
  }
  std::vector<std::string> ColumnNames(P::ColumnNameListContext* ctx) const {
    return ctx ? Words(ctx->names) : std::vector<std::string>();
  }

  static std::string Join(const std::vector<std::string>& parts, const char* separator) {
    std::string out;
    for (const std::string& part : parts) {
      if (!out.empty()) out += separator;
      out += part;
    }
    return out;
  }

  // The default-channel token texts of ctx, concatenated: "as written" without the spacing.
  std::string TokensText(antlr4::ParserRuleContext* ctx) const {
    std::string out;
    for (size_t i = ctx->getStart()->getTokenIndex(); i <= ctx->getStop()->getTokenIndex(); ++i) {
      const Token* token = tokens_.get(i);
      if (token->getChannel() == Token::DEFAULT_CHANNEL) out += source_.TokenText(token);
    }
    return out;
  }

  // ---- Statements -----------------------------------------------------------------------------

  void BeginTopLevelStatement(P::StatementContext* ctx) {
    statement_first_token_ = ctx->getStart()->getTokenIndex();
    statement_last_token_ = ctx->getStop()->getTokenIndex();
    question_marks_numbered_ = false;
    question_marks_.clear();
  }

  ast::StatementPtr BuildStatement(P::StatementContext* ctx) {
    Nest nest(*this, ctx);
    ast::StatementPtr statement;
    if (ctx->selectStmt) {
      auto select = std::make_unique<ast::SelectStatement>();
      select->query = BuildQuery(ctx->selectStmt);
      statement = std::move(select);
    } else if (ctx->insertStmt) {
      statement = BuildInsert(ctx->insertStmt);
    } else if (ctx->updateStmt) {
      statement = BuildUpdate(ctx->updateStmt);
    } else if (ctx->deleteStmt) {
      statement = BuildDelete(ctx->deleteStmt);
    } else if (ctx->createTableStmt) {
      statement = BuildCreateTable(ctx->createTableStmt);
    } else if (ctx->createIndexStmt) {
      statement = BuildCreateIndex(ctx->createIndexStmt);
    } else if (ctx->createViewStmt) {
      statement = BuildCreateView(ctx->createViewStmt);
    } else if (ctx->dropStmt) {
      statement = BuildDrop(ctx->dropStmt);
    } else if (ctx->transactionStmt) {
      statement = BuildTransaction(ctx->transactionStmt);
    } else if (ctx->explainStmt) {
      statement = BuildExplain(ctx->explainStmt);
    } else if (ctx->setStmt) {
      statement = BuildSet(ctx->setStmt);
    } else if (ctx->resetStmt) {
      statement = BuildReset(ctx->resetStmt);
    } else if (ctx->prepareStmt) {
      auto prepare = std::make_unique<ast::PrepareStatement>();
      prepare->name = Word(ctx->prepareStmt->name);
      for (P::TypeNameContext* t : ctx->prepareStmt->types)
        prepare->param_types.push_back(BuildTypeName(t));
      prepare->statement = BuildStatement(ctx->prepareStmt->target);
      statement = std::move(prepare);
    } else if (ctx->executeStmt) {
      auto execute = std::make_unique<ast::ExecuteStatement>();
      execute->name = Word(ctx->executeStmt->name);
      for (P::ExprContext* arg : ctx->executeStmt->args)
        execute->args.push_back(BuildExpr(arg));
      statement = std::move(execute);
    } else if (ctx->deallocateStmt) {
      auto deallocate = std::make_unique<ast::DeallocateStatement>();
      deallocate->all = ctx->deallocateStmt->all != nullptr;
      if (ctx->deallocateStmt->name) deallocate->name = Word(ctx->deallocateStmt->name);
      statement = std::move(deallocate);
    } else if (ctx->analyzeStmt) {
      auto analyze = std::make_unique<ast::AnalyzeStatement>();
      analyze->verbose = ctx->analyzeStmt->verbose != nullptr;
      for (P::QualifiedNameContext* name : ctx->analyzeStmt->tables)
        analyze->tables.push_back(QualifiedName(name));
      statement = std::move(analyze);
    } else if (ctx->showStmt) {
      auto show = std::make_unique<ast::ShowStatement>();
      show->name = ctx->showStmt->all ? "all" : Join(Words(ctx->showStmt->name->parts), ".");
      statement = std::move(show);
    } else {
      statement = BuildUnsupported(ctx->unsupportedStmt);
    }
    statement->span = source_.Span(ctx);
    return statement;
  }

  ast::StatementPtr BuildInsert(P::InsertStatementContext* ctx) {
    auto insert = std::make_unique<ast::InsertStatement>();
    insert->table = QualifiedName(ctx->table);
    if (ctx->alias) insert->alias = Word(ctx->alias);
    insert->columns = ColumnNames(ctx->columns);
    if (ctx->defaultValues) {
      insert->default_values = true;
    } else {
      insert->source = BuildQuery(ctx->source);
    }
    return insert;
  }

  ast::StatementPtr BuildUpdate(P::UpdateStatementContext* ctx) {
    auto update = std::make_unique<ast::UpdateStatement>();
    update->table = QualifiedName(ctx->table);
    if (ctx->alias) update->alias = Word(ctx->alias);
    update->assignments.reserve(ctx->assignments.size());
    for (P::AssignmentContext* a : ctx->assignments) {
      ast::Assignment assignment;
      assignment.column = Word(a->column);
      if (a->value) assignment.value = BuildExpr(a->value);
      assignment.span = source_.Span(a);
      update->assignments.push_back(std::move(assignment));
    }
    if (ctx->where) update->where = BuildExpr(ctx->where);
    return update;
  }

  ast::StatementPtr BuildDelete(P::DeleteStatementContext* ctx) {
    auto del = std::make_unique<ast::DeleteStatement>();
    del->table = QualifiedName(ctx->table);
    if (ctx->alias) del->alias = Word(ctx->alias);
    if (ctx->where) del->where = BuildExpr(ctx->where);
    return del;
  }

  ast::StatementPtr BuildCreateTable(P::CreateTableStatementContext* ctx) {
    auto create = std::make_unique<ast::CreateTableStatement>();
    create->table = QualifiedName(ctx->name);
    create->temporary = ctx->temporary != nullptr;
    create->if_not_exists = ctx->ifNotExists != nullptr;
    for (P::TableElementContext* element : ctx->elements) {
      if (element->column) {
        create->columns.push_back(BuildColumn(element->column, create->constraints));
      } else {
        create->constraints.push_back(BuildTableConstraint(element->constraint));
      }
    }
    if (P::DistributeClauseContext* d = ctx->distribution) {
      create->distribution.span = source_.Span(d);
      if (d->reference) {
        create->distribution.kind = ast::DistributionKind::kReference;
      } else {
        create->distribution.kind = ast::DistributionKind::kHash;
        create->distribution.column = Word(d->column);
      }
    }
    return create;
  }

  ast::ColumnDef BuildColumn(P::ColumnDefinitionContext* ctx,
                             std::vector<ast::TableConstraint>& table_constraints) {
    ast::ColumnDef column;
    column.name = Word(ctx->name);
    column.span = source_.Span(ctx);
    if (ctx->type) column.type = BuildTypeName(ctx->type);
    for (P::ColumnConstraintContext* c : ctx->constraints) {
      if (c->notNull) {
        column.not_null = true;
      } else if (c->nullable) {
        column.not_null = false;
      } else if (c->primaryKey) {
        column.primary_key = true;
        column.primary_key_desc = c->direction && c->direction->getType() == P::DESC;
        column.autoincrement = c->autoincrement != nullptr;
      } else if (c->unique) {
        column.unique = true;
      } else if (c->defaultValue) {
        column.default_value = BuildColumnDefault(c->defaultValue);
      } else if (c->collation) {
        column.collation = Word(c->collation);
      } else if (c->check) {
        column.checks.push_back(BuildExpr(c->check));
      } else if (c->references) {
        // A column-level REFERENCES is a one-column foreign key.
        ast::TableConstraint fk = BuildReferences(c->references);
        fk.name = c->constraintName ? Word(c->constraintName) : "";
        fk.columns = {column.name};
        fk.span = source_.Span(c);
        table_constraints.push_back(std::move(fk));
      }
    }
    return column;
  }

  ast::TableConstraint BuildReferences(P::ReferencesClauseContext* ctx) {
    ast::TableConstraint fk;
    fk.kind = ast::TableConstraintKind::kForeignKey;
    fk.ref_table = QualifiedName(ctx->table);
    fk.ref_columns = ColumnNames(ctx->columns);
    return fk;
  }

  ast::ExprPtr BuildColumnDefault(P::ColumnDefaultContext* ctx) {
    if (ctx->value) return BuildLiteral(ctx->value);
    if (ctx->inner) return BuildExpr(ctx->inner);
    if (ctx->keyword) return CurrentDateTime(ctx->keyword);
    auto literal = NumberLiteral(ctx->number);
    if (ctx->sign->getType() == P::MINUS) literal->text = NegateNumberText(literal->text);
    literal->span = source_.Span(ctx);
    return literal;
  }

  ast::TableConstraint BuildTableConstraint(P::TableConstraintContext* ctx) {
    ast::TableConstraint constraint;
    if (ctx->foreignKey) {
      constraint = BuildReferences(ctx->references);
      constraint.columns = ColumnNames(ctx->foreignColumns);
    } else if (ctx->check) {
      constraint.kind = ast::TableConstraintKind::kCheck;
      constraint.check = BuildExpr(ctx->check);
    } else {
      constraint.kind = ctx->primaryKey ? ast::TableConstraintKind::kPrimaryKey
                                        : ast::TableConstraintKind::kUnique;
      for (P::ConstraintColumnContext* column : ctx->columns) {
        constraint.columns.push_back(Word(column->name));
      }
    }
    if (ctx->constraintName) constraint.name = Word(ctx->constraintName);
    constraint.span = source_.Span(ctx);
    return constraint;
  }

  ast::StatementPtr BuildCreateIndex(P::CreateIndexStatementContext* ctx) {
    auto create = std::make_unique<ast::CreateIndexStatement>();
    create->unique = ctx->unique != nullptr;
    create->if_not_exists = ctx->ifNotExists != nullptr;
    if (ctx->name) create->name = Word(ctx->name);
    create->table = QualifiedName(ctx->table);
    for (P::IndexColumnContext* c : ctx->columns) {
      ast::IndexColumn column;
      column.expr = BuildExpr(c->value);
      // `a COLLATE nocase` parses as a Collate expression; the collation belongs to the column.
      if (column.expr->kind == ast::ExprKind::kCollate) {
        auto& collate = column.expr->As<ast::Collate>();
        column.collation = collate.collation;
        ast::ExprPtr operand = std::move(collate.operand);
        column.expr = std::move(operand);
      }
      column.direction = Direction(c->direction);
      column.span = source_.Span(c);
      create->columns.push_back(std::move(column));
    }
    if (ctx->where) create->where = BuildExpr(ctx->where);
    return create;
  }

  ast::StatementPtr BuildCreateView(P::CreateViewStatementContext* ctx) {
    auto create = std::make_unique<ast::CreateViewStatement>();
    create->name = QualifiedName(ctx->name);
    create->or_replace = ctx->orReplace != nullptr;
    create->temporary = ctx->temporary != nullptr;
    create->if_not_exists = ctx->ifNotExists != nullptr;
    create->column_names = ColumnNames(ctx->columns);
    create->query = BuildQuery(ctx->definition);
    create->query_text = std::string(source_.Text(create->query->span));
    return create;
  }

  ast::StatementPtr BuildDrop(P::DropStatementContext* ctx) {
    auto drop = std::make_unique<ast::DropStatement>();
    switch (ctx->object->getType()) {
      case P::TABLE:
        drop->object = ast::ObjectKind::kTable;
        break;
      case P::INDEX:
        drop->object = ast::ObjectKind::kIndex;
        break;
      default:
        drop->object = ast::ObjectKind::kView;
    }
    drop->if_exists = ctx->ifExists != nullptr;
    for (P::QualifiedNameContext* name : ctx->names)
      drop->names.push_back(QualifiedName(name));
    drop->cascade = ctx->behavior && ctx->behavior->getType() == P::CASCADE;
    return drop;
  }

  ast::StatementPtr BuildTransaction(P::TransactionStatementContext* ctx) {
    auto transaction = std::make_unique<ast::TransactionStatement>();
    switch (ctx->op->getType()) {
      case P::BEGIN:
      case P::START:
        transaction->op = ast::TransactionOp::kBegin;
        break;
      case P::ROLLBACK:
        transaction->op = ast::TransactionOp::kRollback;
        break;
      default:
        transaction->op = ast::TransactionOp::kCommit;
    }
    return transaction;
  }

  ast::StatementPtr BuildExplain(P::ExplainStatementContext* ctx) {
    auto explain = std::make_unique<ast::ExplainStatement>();
    explain->analyze = ctx->analyze != nullptr;
    explain->verbose = ctx->verbose != nullptr;
    for (P::ExplainOptionContext* option : ctx->explainOptions) {
      bool on = !option->value || option->value->getType() == P::TRUE_ ||
                option->value->getType() == P::ON;
      if (option->other) {
        std::string name = Word(option->other);
        if (name != "costs") {
          throw SqlError(sqlstate::kSyntaxError,
                         fmt::format("unrecognized EXPLAIN option \"{}\"", name),
                         source_.Span(option).begin);
        }
        explain->costs = on;
        continue;
      }
      (option->name->getType() == P::ANALYZE ? explain->analyze : explain->verbose) = on;
    }
    explain->statement = BuildStatement(ctx->target);
    return explain;
  }

  ast::StatementPtr BuildSet(P::SetStatementContext* ctx) {
    auto set = std::make_unique<ast::SetStatement>();
    set->name = Join(Words(ctx->name->parts), ".");
    set->local = ctx->scope && ctx->scope->getType() == P::LOCAL;
    set->to_default = ctx->toDefault != nullptr;
    for (P::SetValueContext* v : ctx->values) {
      ast::SourceSpan span = source_.Span(v);
      if (v->number) {
        auto literal = NumberLiteral(v->number);
        if (v->sign && v->sign->getType() == P::MINUS) {
          literal->text = NegateNumberText(literal->text);
        }
        literal->span = span;
        set->values.push_back(std::move(literal));
      } else if (v->str) {
        set->values.push_back(BuildStringLiteral(v->str));
      } else {
        // Names and ON/TRUE/FALSE are strings to the setting, as in PostgreSQL.
        auto literal = Node<ast::Literal>(span);
        literal->literal_kind = ast::LiteralKind::kString;
        literal->text = v->word ? Word(v->word) : FoldCase(source_.TokenText(v->keyword));
        set->values.push_back(std::move(literal));
      }
    }
    return set;
  }

  ast::StatementPtr BuildReset(P::ResetStatementContext* ctx) {
    auto set = std::make_unique<ast::SetStatement>();
    set->name = ctx->all ? "all" : Join(Words(ctx->name->parts), ".");
    set->to_default = true;
    return set;
  }

  ast::StatementPtr BuildUnsupported(P::UnsupportedStatementContext* ctx) {
    auto unsupported = std::make_unique<ast::UnsupportedStatement>();
    const Token* first = ctx->getStart();
    switch (first->getType()) {
      case P::CREATE:
        unsupported->feature = "CREATE TRIGGER";
        break;
      case P::DROP:
        unsupported->feature = "DROP TRIGGER";
        break;
      case P::INSERT:
      case P::UPDATE:
        unsupported->feature = UpperCase(source_.TokenText(first)) + " OR " +
                               UpperCase(source_.TokenText(ctx->conflict));
        break;
      case P::ALTER:  // ALTER TABLE, ALTER INDEX, ...
        unsupported->feature = "ALTER";
        if (ctx->object)
          unsupported->feature += " " + UpperCase(source_.TokenText(ctx->object->getStart()));
        break;
      default:
        unsupported->feature = UpperCase(source_.TokenText(first));
    }
    return unsupported;
  }

  // ---- Queries --------------------------------------------------------------------------------

  ast::QueryPtr BuildQuery(P::QueryContext* ctx) {
    Nest nest(*this, ctx);
    auto query = Node<ast::Query>(source_.Span(ctx));
    if (ctx->with) {
      if (ctx->with->recursive) {
        throw SqlError(sqlstate::kFeatureNotSupported, "WITH RECURSIVE is not supported",
                       source_.TokenSpan(ctx->with->recursive).begin);
      }
      for (P::CommonTableExpressionContext* c : ctx->with->ctes) {
        ast::CommonTableExpr cte;
        cte.name = Word(c->name);
        cte.column_names = ColumnNames(c->columns);
        cte.query = BuildQuery(c->definition);
        cte.span = source_.Span(c);
        query->with.push_back(std::move(cte));
      }
    }
    query->body = BuildQueryExpression(ctx->body);
    if (ctx->orderBy) query->order_by = BuildOrderBy(ctx->orderBy);
    if (ctx->limit) BuildLimit(ctx->limit, *query);
    return query;
  }

  ast::QueryBodyPtr BuildQueryExpression(P::QueryExpressionContext* ctx) {
    Nest nest(*this, ctx, static_cast<int>(ctx->operators.size()));
    ast::QueryBodyPtr body = BuildQueryTerm(ctx->terms[0]);
    for (size_t i = 0; i < ctx->operators.size(); ++i) {
      P::SetOperatorContext* op = ctx->operators[i];
      ast::SetOpKind kind =
          op->op->getType() == P::UNION ? ast::SetOpKind::kUnion : ast::SetOpKind::kExcept;
      body = SetOp(kind, op->quantifier, std::move(body), BuildQueryTerm(ctx->terms[i + 1]));
    }
    return body;
  }

  ast::QueryBodyPtr BuildQueryTerm(P::QueryTermContext* ctx) {
    Nest nest(*this, ctx, static_cast<int>(ctx->operators.size()));
    ast::QueryBodyPtr body = BuildQueryPrimary(ctx->primaries[0]);
    for (size_t i = 0; i < ctx->operators.size(); ++i) {
      body = SetOp(ast::SetOpKind::kIntersect, ctx->operators[i]->quantifier, std::move(body),
                   BuildQueryPrimary(ctx->primaries[i + 1]));
    }
    return body;
  }

  static ast::QueryBodyPtr SetOp(ast::SetOpKind kind, const Token* quantifier,
                                 ast::QueryBodyPtr left, ast::QueryBodyPtr right) {
    auto body = std::make_unique<ast::QueryBody>();
    body->kind = ast::QueryBodyKind::kSetOp;
    body->set_op = kind;
    body->all = quantifier && quantifier->getType() == P::ALL;
    body->span = {left->span.begin, right->span.end};
    body->left = std::move(left);
    body->right = std::move(right);
    return body;
  }

  ast::QueryBodyPtr BuildQueryPrimary(P::QueryPrimaryContext* ctx) {
    auto body = std::make_unique<ast::QueryBody>();
    body->span = source_.Span(ctx);
    if (ctx->core) {
      body->kind = ast::QueryBodyKind::kSelect;
      body->select = BuildSelectCore(ctx->core);
    } else if (ctx->values) {
      body->kind = ast::QueryBodyKind::kValues;
      for (P::ValuesRowContext* row : ctx->values->rows)
        body->values.push_back(BuildExprs(row->values));
    } else {
      ast::QueryPtr nested = BuildQuery(ctx->nested);
      // Parentheses around a bare body change nothing; only a query with its own WITH, ORDER BY
      // or LIMIT needs a kNested level.
      if (nested->with.empty() && nested->order_by.empty() && !nested->limit && !nested->offset) {
        return std::move(nested->body);
      }
      body->kind = ast::QueryBodyKind::kNested;
      body->nested = std::move(nested);
    }
    return body;
  }

  std::unique_ptr<ast::SelectCore> BuildSelectCore(P::SelectCoreContext* ctx) {
    auto core = std::make_unique<ast::SelectCore>();
    core->distinct = ctx->quantifier && ctx->quantifier->getType() == P::DISTINCT;
    core->items.reserve(ctx->items.size());
    for (P::SelectItemContext* i : ctx->items) {
      ast::SelectItem item;
      item.span = source_.Span(i);
      if (i->value) {
        item.expr = BuildExpr(i->value);
        if (i->label || i->bare) {
          item.alias = i->label ? Word(i->label) : Word(i->bare);
          item.has_alias = true;
        }
      } else {
        auto star = Node<ast::Star>(item.span);
        star->qualifier = Words(i->qualifier);
        item.expr = std::move(star);
      }
      core->items.push_back(std::move(item));
    }
    for (P::TableReferenceContext* t : ctx->from)
      core->from.push_back(BuildTableReference(t));
    if (ctx->where) core->where = BuildExpr(ctx->where);
    core->group_by = BuildExprs(ctx->groupBy);
    if (ctx->having) core->having = BuildExpr(ctx->having);
    for (P::WindowDefinitionContext* w : ctx->windows) {
      core->windows.emplace_back(Word(w->name), BuildWindowSpec(w->spec));
    }
    return core;
  }

  ast::TableRefPtr BuildTableReference(P::TableReferenceContext* ctx) {
    Nest nest(*this, ctx, static_cast<int>(ctx->joins.size()));
    ast::TableRefPtr left = BuildTablePrimary(ctx->first);
    for (P::JoinClauseContext* j : ctx->joins) {
      auto join = std::make_unique<ast::JoinRef>();
      join->span = {left->span.begin, source_.Span(j).end};
      join->left = std::move(left);
      join->right = BuildTablePrimary(j->right);
      join->natural = j->natural != nullptr;
      if (j->cross) {
        join->join_kind = ast::JoinKind::kCross;
      } else if (j->type) {
        switch (j->type->kind->getType()) {
          case P::LEFT:
            join->join_kind = ast::JoinKind::kLeft;
            break;
          case P::RIGHT:
            join->join_kind = ast::JoinKind::kRight;
            break;
          case P::FULL:
            join->join_kind = ast::JoinKind::kFull;
            break;
          default:
            join->join_kind = ast::JoinKind::kInner;
        }
      }
      if (j->condition) {
        if (j->condition->on) {
          join->on = BuildExpr(j->condition->on);
        } else {
          join->using_columns = ColumnNames(j->condition->columns);
        }
      }
      left = std::move(join);
    }
    return left;
  }

  ast::TableRefPtr BuildTablePrimary(P::TablePrimaryContext* ctx) {
    CheckStackDepth();
    if (ctx->nested) return BuildTableReference(ctx->nested);
    ast::SourceSpan span = source_.Span(ctx);
    std::string alias;
    std::vector<std::string> column_aliases;
    if (ctx->alias) {
      alias = Word(ctx->alias->name);
      column_aliases = ColumnNames(ctx->alias->columns);
    }
    if (ctx->name) {
      auto table = Node<ast::NamedTable>(span);
      table->name = QualifiedName(ctx->name);
      table->alias = std::move(alias);
      table->column_aliases = std::move(column_aliases);
      return table;
    }
    auto derived = Node<ast::DerivedTable>(span);
    derived->query = BuildQuery(ctx->subquery);
    derived->alias = std::move(alias);
    derived->column_aliases = std::move(column_aliases);
    return derived;
  }

  std::unique_ptr<ast::WindowSpec> BuildWindowSpec(P::WindowSpecificationContext* ctx) {
    auto spec = std::make_unique<ast::WindowSpec>();
    spec->partition_by = BuildExprs(ctx->partitions);
    if (ctx->orderBy) spec->order_by = BuildOrderBy(ctx->orderBy);
    if (ctx->frame) spec->frame = std::string(source_.Text(source_.Span(ctx->frame)));
    return spec;
  }

  std::vector<ast::OrderItem> BuildOrderBy(P::OrderByClauseContext* ctx) {
    std::vector<ast::OrderItem> items;
    items.reserve(ctx->items.size());
    for (P::OrderItemContext* i : ctx->items) {
      ast::OrderItem item;
      item.expr = BuildExpr(i->value);
      item.direction = Direction(i->direction);
      if (i->nulls) {
        item.nulls =
            i->nulls->getType() == P::FIRST ? ast::NullsOrder::kFirst : ast::NullsOrder::kLast;
      }
      item.span = source_.Span(i);
      items.push_back(std::move(item));
    }
    return items;
  }

  static ast::SortDirection Direction(const Token* token) {
    if (!token) return ast::SortDirection::kDefault;
    return token->getType() == P::DESC ? ast::SortDirection::kDesc : ast::SortDirection::kAsc;
  }

  void BuildLimit(P::LimitClauseContext* ctx, ast::Query& query) {
    if (ctx->count) query.limit = BuildExpr(ctx->count);
    if (ctx->offset) query.offset = BuildExpr(ctx->offset);
    if (P::FetchClauseContext* fetch = ctx->fetch) {
      if (fetch->count) {
        query.limit = BuildExpr(fetch->count);
      } else {  // FETCH FIRST ROW ONLY
        auto one = Node<ast::Literal>(source_.Span(fetch));
        one->literal_kind = ast::LiteralKind::kInteger;
        one->text = "1";
        query.limit = std::move(one);
      }
    }
  }

  // ---- Expressions ----------------------------------------------------------------------------

  ast::ExprPtr BuildExpr(P::ExprContext* ctx) { return Visit(ctx); }
  ast::ExprPtr BuildBitExpr(P::BitExprContext* ctx) { return Visit(ctx); }

  ast::ExprPtr Visit(antlr4::ParserRuleContext* ctx) {
    CheckStackDepth();
    ctx->accept(this);
    return std::move(result_);
  }

  template <typename Ctx>
  std::vector<ast::ExprPtr> BuildExprs(const std::vector<Ctx*>& contexts) {
    std::vector<ast::ExprPtr> out;
    out.reserve(contexts.size());
    for (Ctx* ctx : contexts)
      out.push_back(Visit(ctx));
    return out;
  }

  // Every visit method ends here: the node is the result, its span the whole alternative.
  antlrcpp::Any Result(ast::ExprPtr expr, antlr4::ParserRuleContext* ctx) {
    expr->span = source_.Span(ctx);
    result_ = std::move(expr);
    return {};
  }

  antlrcpp::Any Binary(ast::BinaryOp op, P::ExprContext* left, P::ExprContext* right,
                       antlr4::ParserRuleContext* ctx) {
    Nest nest(*this, ctx);
    auto binary = std::make_unique<ast::Binary>();
    binary->op = op;
    binary->left = BuildExpr(left);
    binary->right = BuildExpr(right);
    return Result(std::move(binary), ctx);
  }

  antlrcpp::Any BitBinary(const Token* op, P::BitExprContext* left, P::BitExprContext* right,
                          antlr4::ParserRuleContext* ctx) {
    Nest nest(*this, ctx);
    auto binary = std::make_unique<ast::Binary>();
    binary->op = ArithmeticOp(op);
    binary->left = BuildBitExpr(left);
    binary->right = BuildBitExpr(right);
    return Result(std::move(binary), ctx);
  }

  // expr

  antlrcpp::Any visitBitExpression(P::BitExpressionContext* ctx) override {
    result_ = BuildBitExpr(ctx->operand);
    return {};
  }

  antlrcpp::Any visitBetweenExpr(P::BetweenExprContext* ctx) override {
    Nest nest(*this, ctx);
    auto between = std::make_unique<ast::Between>();
    between->negated = ctx->negated != nullptr;
    between->operand = BuildExpr(ctx->left);
    between->low = BuildBitExpr(ctx->low);
    between->high = BuildBitExpr(ctx->high);
    return Result(std::move(between), ctx);
  }

  antlrcpp::Any visitInQueryExpr(P::InQueryExprContext* ctx) override {
    Nest nest(*this, ctx);
    auto in = std::make_unique<ast::InQuery>();
    in->negated = ctx->negated != nullptr;
    in->operand = BuildExpr(ctx->left);
    in->query = BuildQuery(ctx->subquery);
    return Result(std::move(in), ctx);
  }

  antlrcpp::Any visitInListExpr(P::InListExprContext* ctx) override {
    Nest nest(*this, ctx);
    auto in = std::make_unique<ast::InList>();
    in->negated = ctx->negated != nullptr;
    in->operand = BuildExpr(ctx->left);
    in->list = BuildExprs(ctx->list);
    return Result(std::move(in), ctx);
  }

  // SQLite's `x IN t` means `x IN (SELECT * FROM t)`.
  antlrcpp::Any visitInTableExpr(P::InTableExprContext* ctx) override {
    Nest nest(*this, ctx);
    ast::SourceSpan table_span = source_.Span(ctx->table);
    auto table = Node<ast::NamedTable>(table_span);
    table->name = QualifiedName(ctx->table);
    auto core = std::make_unique<ast::SelectCore>();
    ast::SelectItem star;
    star.expr = Node<ast::Star>(table_span);
    star.span = table_span;
    core->items.push_back(std::move(star));
    core->from.push_back(std::move(table));
    auto query = Node<ast::Query>(table_span);
    query->body = std::make_unique<ast::QueryBody>();
    query->body->kind = ast::QueryBodyKind::kSelect;
    query->body->span = table_span;
    query->body->select = std::move(core);
    auto in = std::make_unique<ast::InQuery>();
    in->negated = ctx->negated != nullptr;
    in->operand = BuildExpr(ctx->left);
    in->query = std::move(query);
    return Result(std::move(in), ctx);
  }

  antlrcpp::Any visitLikeExpr(P::LikeExprContext* ctx) override {
    Nest nest(*this, ctx);
    auto like = std::make_unique<ast::Like>();
    like->like_kind = ctx->op->getType() == P::ILIKE ? ast::LikeKind::kILike : ast::LikeKind::kLike;
    like->negated = ctx->negated != nullptr;
    like->operand = BuildExpr(ctx->left);
    like->pattern = BuildBitExpr(ctx->pattern);
    if (ctx->escape) like->escape = BuildBitExpr(ctx->escape);
    return Result(std::move(like), ctx);
  }

  antlrcpp::Any visitQuantifiedExpr(P::QuantifiedExprContext* ctx) override {
    Nest nest(*this, ctx);
    auto quantified = std::make_unique<ast::Quantified>();
    quantified->op = ComparisonOp(ctx->op);
    quantified->quantifier =
        ctx->quantifier->getType() == P::ALL ? ast::Quantifier::kAll : ast::Quantifier::kAny;
    quantified->left = BuildExpr(ctx->left);
    quantified->query = BuildQuery(ctx->subquery);
    return Result(std::move(quantified), ctx);
  }

  antlrcpp::Any visitComparisonExpr(P::ComparisonExprContext* ctx) override {
    return Binary(ComparisonOp(ctx->op), ctx->left, ctx->right, ctx);
  }

  antlrcpp::Any IsNull(bool negated, P::ExprContext* operand, antlr4::ParserRuleContext* ctx) {
    Nest nest(*this, ctx);
    auto is_null = std::make_unique<ast::IsNull>();
    is_null->negated = negated;
    is_null->operand = BuildExpr(operand);
    return Result(std::move(is_null), ctx);
  }

  antlrcpp::Any visitIsNullExpr(P::IsNullExprContext* ctx) override {
    return IsNull(ctx->negated != nullptr, ctx->left, ctx);
  }

  antlrcpp::Any visitIsNullPostfixExpr(P::IsNullPostfixExprContext* ctx) override {
    return IsNull(ctx->op->getType() == P::NOTNULL, ctx->left, ctx);
  }

  antlrcpp::Any visitNotNullPostfixExpr(P::NotNullPostfixExprContext* ctx) override {
    return IsNull(true, ctx->left, ctx);
  }

  antlrcpp::Any visitIsBoolExpr(P::IsBoolExprContext* ctx) override {
    Nest nest(*this, ctx);
    auto is_bool = std::make_unique<ast::IsBool>();
    is_bool->negated = ctx->negated != nullptr;
    switch (ctx->value->getType()) {
      case P::TRUE_:
        is_bool->test = ast::BoolTest::kTrue;
        break;
      case P::FALSE_:
        is_bool->test = ast::BoolTest::kFalse;
        break;
      default:
        is_bool->test = ast::BoolTest::kUnknown;
    }
    is_bool->operand = BuildExpr(ctx->left);
    return Result(std::move(is_bool), ctx);
  }

  antlrcpp::Any visitIsDistinctExpr(P::IsDistinctExprContext* ctx) override {
    Nest nest(*this, ctx);
    auto distinct = std::make_unique<ast::IsDistinct>();
    distinct->negated = ctx->negated != nullptr;
    distinct->left = BuildExpr(ctx->left);
    distinct->right = BuildExpr(ctx->right);
    return Result(std::move(distinct), ctx);
  }

  antlrcpp::Any visitNotExpr(P::NotExprContext* ctx) override {
    Nest nest(*this, ctx);
    auto unary = std::make_unique<ast::Unary>();
    unary->op = ast::UnaryOp::kNot;
    unary->operand = BuildExpr(ctx->operand);
    return Result(std::move(unary), ctx);
  }

  antlrcpp::Any visitAndExpr(P::AndExprContext* ctx) override {
    return Binary(ast::BinaryOp::kAnd, ctx->left, ctx->right, ctx);
  }

  antlrcpp::Any visitOrExpr(P::OrExprContext* ctx) override {
    return Binary(ast::BinaryOp::kOr, ctx->left, ctx->right, ctx);
  }

  // bitExpr

  antlrcpp::Any visitPrimaryExpr(P::PrimaryExprContext* ctx) override {
    result_ = Visit(ctx->value);
    return {};
  }

  antlrcpp::Any visitCastOperatorExpr(P::CastOperatorExprContext* ctx) override {
    Nest nest(*this, ctx);
    auto cast = std::make_unique<ast::Cast>();
    cast->operand = BuildBitExpr(ctx->operand);
    cast->type = BuildCastTypeName(ctx->type);
    return Result(std::move(cast), ctx);
  }

  antlrcpp::Any visitCollateExpr(P::CollateExprContext* ctx) override {
    Nest nest(*this, ctx);
    auto collate = std::make_unique<ast::Collate>();
    collate->operand = BuildBitExpr(ctx->operand);
    collate->collation = Word(ctx->collation);
    return Result(std::move(collate), ctx);
  }

  antlrcpp::Any visitUnaryExpr(P::UnaryExprContext* ctx) override {
    // -1 is a negative literal, not an operator applied to 1 (PostgreSQL's doNegate): it keeps
    // -9223372036854775808 representable and DEFAULT -1 a constant.
    if (ctx->op->getType() == P::MINUS) {
      if (auto* operand = dynamic_cast<P::PrimaryExprContext*>(ctx->operand)) {
        if (auto* literal = dynamic_cast<P::LiteralPrimaryContext*>(operand->value)) {
          const Token* value = literal->value->value;
          if (value &&
              (value->getType() == P::INTEGER_LITERAL || value->getType() == P::DECIMAL_LITERAL ||
               value->getType() == P::HEX_INTEGER_LITERAL)) {
            auto number = NumberLiteral(value);
            number->text = NegateNumberText(number->text);
            return Result(std::move(number), ctx);
          }
        }
      }
    }
    Nest nest(*this, ctx);
    auto unary = std::make_unique<ast::Unary>();
    switch (ctx->op->getType()) {
      case P::MINUS:
        unary->op = ast::UnaryOp::kMinus;
        break;
      case P::PLUS:
        unary->op = ast::UnaryOp::kPlus;
        break;
      default:
        unary->op = ast::UnaryOp::kBitNot;
    }
    unary->operand = BuildBitExpr(ctx->operand);
    return Result(std::move(unary), ctx);
  }

  antlrcpp::Any visitMultiplicativeExpr(P::MultiplicativeExprContext* ctx) override {
    return BitBinary(ctx->op, ctx->left, ctx->right, ctx);
  }
  antlrcpp::Any visitAdditiveExpr(P::AdditiveExprContext* ctx) override {
    return BitBinary(ctx->op, ctx->left, ctx->right, ctx);
  }
  antlrcpp::Any visitOtherOperatorExpr(P::OtherOperatorExprContext* ctx) override {
    return BitBinary(ctx->op, ctx->left, ctx->right, ctx);
  }

  // primary

  antlrcpp::Any visitLiteralPrimary(P::LiteralPrimaryContext* ctx) override {
    result_ = BuildLiteral(ctx->value);
    return {};
  }

  antlrcpp::Any visitParameterPrimary(P::ParameterPrimaryContext* ctx) override {
    auto param = std::make_unique<ast::Param>();
    param->index = ParamIndex(ctx->param);
    return Result(std::move(param), ctx);
  }

  antlrcpp::Any visitSubqueryPrimary(P::SubqueryPrimaryContext* ctx) override {
    auto subquery = std::make_unique<ast::Subquery>();
    subquery->query = BuildQuery(ctx->subquery);
    return Result(std::move(subquery), ctx);
  }

  antlrcpp::Any visitParenthesizedPrimary(P::ParenthesizedPrimaryContext* ctx) override {
    result_ = BuildExpr(ctx->inner);
    return {};
  }

  antlrcpp::Any visitExistsPrimary(P::ExistsPrimaryContext* ctx) override {
    auto exists = std::make_unique<ast::Exists>();
    exists->query = BuildQuery(ctx->subquery);
    return Result(std::move(exists), ctx);
  }

  antlrcpp::Any visitCasePrimary(P::CasePrimaryContext* ctx) override {
    Nest nest(*this, ctx);
    auto node = std::make_unique<ast::Case>();
    if (ctx->operand) node->operand = BuildExpr(ctx->operand);
    node->whens.reserve(ctx->whens.size());
    for (P::WhenClauseContext* when : ctx->whens) {
      node->whens.push_back({BuildExpr(when->condition), BuildExpr(when->result)});
    }
    if (ctx->otherwise) node->else_result = BuildExpr(ctx->otherwise);
    return Result(std::move(node), ctx);
  }

  antlrcpp::Any visitCastPrimary(P::CastPrimaryContext* ctx) override {
    Nest nest(*this, ctx);
    auto cast = std::make_unique<ast::Cast>();
    cast->operand = BuildExpr(ctx->operand);
    cast->type = BuildTypeName(ctx->type);
    return Result(std::move(cast), ctx);
  }

  // The SQL-standard special forms become ordinary function calls.
  antlrcpp::Any visitExtractPrimary(P::ExtractPrimaryContext* ctx) override {
    Nest nest(*this, ctx);
    auto function = FunctionNode("extract");
    auto field = Node<ast::Literal>(source_.Span(ctx->field));
    field->literal_kind = ast::LiteralKind::kString;
    field->text =
        ctx->field->name ? Word(ctx->field->name) : FoldCase(StringValue(ctx->field->str));
    function->args.push_back(std::move(field));
    function->args.push_back(BuildExpr(ctx->source));
    return Result(std::move(function), ctx);
  }

  antlrcpp::Any visitSubstringPrimary(P::SubstringPrimaryContext* ctx) override {
    Nest nest(*this, ctx);
    auto function = FunctionNode("substring");
    function->args.push_back(BuildExpr(ctx->source));
    // substring(x FOR n) starts at 1.
    if (ctx->start_) {
      function->args.push_back(BuildExpr(ctx->start_));
    } else {
      auto one = Node<ast::Literal>(source_.Span(ctx->length));
      one->literal_kind = ast::LiteralKind::kInteger;
      one->text = "1";
      function->args.push_back(std::move(one));
    }
    if (ctx->length) function->args.push_back(BuildExpr(ctx->length));
    return Result(std::move(function), ctx);
  }

  antlrcpp::Any visitPositionPrimary(P::PositionPrimaryContext* ctx) override {
    Nest nest(*this, ctx);
    auto function = FunctionNode("position");
    function->args.push_back(BuildBitExpr(ctx->needle));
    function->args.push_back(BuildBitExpr(ctx->haystack));
    return Result(std::move(function), ctx);
  }

  // overlay(s PLACING r FROM n [FOR m]) is overlay(s, r, n[, m]), as PostgreSQL's grammar makes it.
  antlrcpp::Any visitOverlayPrimary(P::OverlayPrimaryContext* ctx) override {
    Nest nest(*this, ctx);
    auto function = FunctionNode("overlay");
    function->args.push_back(BuildExpr(ctx->source));
    function->args.push_back(BuildExpr(ctx->replacement));
    function->args.push_back(BuildExpr(ctx->start_));
    if (ctx->length) function->args.push_back(BuildExpr(ctx->length));
    return Result(std::move(function), ctx);
  }

  // trim([BOTH | LEADING | TRAILING] [chars] FROM s) is btrim / ltrim / rtrim(s[, chars]), as in
  // PostgreSQL; trim(s, chars) likewise.
  antlrcpp::Any visitTrimPrimary(P::TrimPrimaryContext* ctx) override {
    Nest nest(*this, ctx);
    const char* name = "btrim";
    if (ctx->side && ctx->side->getType() == P::LEADING) name = "ltrim";
    if (ctx->side && ctx->side->getType() == P::TRAILING) name = "rtrim";
    auto function = FunctionNode(name);
    for (P::ExprContext* arg : ctx->arguments->args)
      function->args.push_back(BuildExpr(arg));
    if (ctx->arguments->characters) function->args.push_back(BuildExpr(ctx->arguments->characters));
    return Result(std::move(function), ctx);
  }

  antlrcpp::Any visitCurrentDateTimePrimary(P::CurrentDateTimePrimaryContext* ctx) override {
    result_ = CurrentDateTime(ctx->keyword);
    return {};
  }

  // DATE '1998-12-01' is CAST('1998-12-01' AS date).
  antlrcpp::Any visitTypedLiteralPrimary(P::TypedLiteralPrimaryContext* ctx) override {
    auto cast = std::make_unique<ast::Cast>();
    cast->operand = BuildStringLiteral(ctx->value);
    cast->type.name = FoldCase(source_.TokenText(ctx->typeKeyword));
    cast->type.span = source_.TokenSpan(ctx->typeKeyword);
    return Result(std::move(cast), ctx);
  }

  // INTERVAL '90' DAY is CAST('90 day' AS interval); INTERVAL '3 months' is the cast alone.
  antlrcpp::Any visitIntervalLiteralPrimary(P::IntervalLiteralPrimaryContext* ctx) override {
    auto cast = std::make_unique<ast::Cast>();
    auto literal = BuildStringLiteral(ctx->value);
    if (ctx->unit) {
      auto& text = static_cast<ast::Literal&>(*literal).text;
      text += " " + FoldCase(source_.TokenText(ctx->unit));
    }
    cast->operand = std::move(literal);
    cast->type.name = "interval";
    cast->type.span = source_.Span(ctx);
    return Result(std::move(cast), ctx);
  }

  antlrcpp::Any visitFunctionPrimary(P::FunctionPrimaryContext* ctx) override {
    Nest nest(*this, ctx);
    P::FunctionCallContext* call = ctx->call;
    auto function =
        FunctionNode(call->name->keyword ? FoldCase(source_.TokenText(call->name->keyword))
                                         : Join(Words(call->name->parts), "."));
    function->star = call->star != nullptr;
    function->distinct = call->quantifier && call->quantifier->getType() == P::DISTINCT;
    function->args = BuildExprs(call->args);
    if (call->filter) function->filter = BuildExpr(call->filter);
    if (P::WindowReferenceContext* over = call->over) {
      if (over->name) {
        function->over = std::make_unique<ast::WindowSpec>();
        function->over->name = Word(over->name);
      } else {
        function->over = BuildWindowSpec(over->spec);
      }
    }
    return Result(std::move(function), ctx);
  }

  antlrcpp::Any visitColumnPrimary(P::ColumnPrimaryContext* ctx) override {
    auto column = std::make_unique<ast::ColumnRef>();
    column->parts = QualifiedName(ctx->column);
    return Result(std::move(column), ctx);
  }

  static std::unique_ptr<ast::Function> FunctionNode(std::string name) {
    auto function = std::make_unique<ast::Function>();
    function->name = std::move(name);
    return function;
  }

  ast::ExprPtr CurrentDateTime(const Token* keyword) {
    auto function = FunctionNode(FoldCase(source_.TokenText(keyword)));
    function->span = source_.TokenSpan(keyword);
    return function;
  }

  // ---- Literals -------------------------------------------------------------------------------

  ast::ExprPtr BuildLiteral(P::LiteralContext* ctx) {
    if (ctx->str) return BuildStringLiteral(ctx->str);
    const Token* token = ctx->value;
    ast::SourceSpan span = source_.TokenSpan(token);
    auto literal = Node<ast::Literal>(span);
    switch (token->getType()) {
      case P::NULL_:
        literal->literal_kind = ast::LiteralKind::kNull;
        break;
      case P::TRUE_:
        literal->literal_kind = ast::LiteralKind::kBoolean;
        literal->text = "true";
        break;
      case P::FALSE_:
        literal->literal_kind = ast::LiteralKind::kBoolean;
        literal->text = "false";
        break;
      case P::BLOB_LITERAL:
        literal->literal_kind = ast::LiteralKind::kBlob;
        literal->text = DecodeBlob(source_.TokenText(token), span.begin);
        break;
      default:
        return NumberLiteral(token);
    }
    return literal;
  }

  std::unique_ptr<ast::Literal> NumberLiteral(const Token* token) {
    ast::SourceSpan span = source_.TokenSpan(token);
    std::string_view text = source_.TokenText(token);
    auto literal = Node<ast::Literal>(span);
    switch (token->getType()) {
      case P::HEX_INTEGER_LITERAL:
        literal->literal_kind = ast::LiteralKind::kInteger;
        literal->text = HexToDecimal(text, span.begin);
        break;
      case P::DECIMAL_LITERAL:
        literal->literal_kind = ast::LiteralKind::kFloat;
        literal->text = std::string(text);
        break;
      default:
        literal->literal_kind = ast::LiteralKind::kInteger;
        literal->text = std::string(text);
    }
    return literal;
  }

  std::string StringValue(P::StringLiteralContext* ctx) {
    const Token* token = ctx->value;
    std::string_view text = source_.TokenText(token);
    switch (token->getType()) {
      case P::ESCAPE_STRING_LITERAL:
        return DecodeEscapeString(text, source_.TokenSpan(token).begin);
      case P::DOLLAR_STRING_LITERAL:
        return std::string(text.substr(2, text.size() - 4));
      default:
        return Unquote(text, '\'');
    }
  }

  ast::ExprPtr BuildStringLiteral(P::StringLiteralContext* ctx) {
    auto literal = Node<ast::Literal>(source_.TokenSpan(ctx->value));
    literal->literal_kind = ast::LiteralKind::kString;
    literal->text = StringValue(ctx);
    return literal;
  }

  // ---- Types ----------------------------------------------------------------------------------

  void AddModifiers(P::TypeModifiersContext* ctx, ast::TypeName& type) const {
    if (!ctx) return;
    for (P::TypeModifierContext* modifier : ctx->values) {
      type.modifiers.push_back(TokensText(modifier));
    }
  }

  void AddTimeZone(P::TimeZoneSuffixContext* ctx, ast::TypeName& type) const {
    if (!ctx) return;
    type.name += ctx->getStart()->getType() == P::WITH ? " with time zone" : " without time zone";
  }

  ast::TypeName BuildTypeName(P::TypeNameContext* ctx) const {
    ast::TypeName type;
    type.name = Join(Words(ctx->words), " ");
    AddModifiers(ctx->modifiers, type);
    AddTimeZone(ctx->zone, type);
    type.span = source_.Span(ctx);
    return type;
  }

  ast::TypeName BuildCastTypeName(P::CastTypeNameContext* ctx) const {
    ast::TypeName type;
    if (ctx->word) {
      type.name = Word(ctx->word);
    } else {
      for (const Token* word : ctx->words) {
        if (!type.name.empty()) type.name += ' ';
        type.name += FoldCase(source_.TokenText(word));
      }
    }
    AddModifiers(ctx->modifiers, type);
    AddTimeZone(ctx->zone, type);
    type.span = source_.Span(ctx);
    return type;
  }

  // ---- Parameters -----------------------------------------------------------------------------

  static constexpr uint32_t kMaxParamIndex = 65535;

  // $n's number; 0 when it is out of range.
  uint32_t DollarNumber(const Token* token) const {
    std::string_view digits = source_.TokenText(token).substr(1);
    uint64_t value = 0;
    for (char c : digits) {
      value = value * 10 + static_cast<uint64_t>(c - '0');
      if (value > kMaxParamIndex) return 0;
    }
    return static_cast<uint32_t>(value);
  }

  uint32_t ParamIndex(const Token* token) {
    if (token->getType() == P::PARAMETER) {
      uint32_t index = DollarNumber(token);
      if (index == 0) {
        throw SyntaxError(fmt::format("parameter number must be between 1 and {}{}", kMaxParamIndex,
                                      AtOrNear(source_.TokenText(token))),
                          source_.TokenSpan(token).begin);
      }
      return index;
    }
    if (!question_marks_numbered_) NumberQuestionMarks();
    auto it = std::lower_bound(question_marks_.begin(), question_marks_.end(),
                               std::make_pair(token->getTokenIndex(), uint32_t{0}));
    uint32_t index = it != question_marks_.end() ? it->second : 0;
    if (index == 0 || index > kMaxParamIndex) {
      throw SyntaxError(fmt::format("too many parameters: at most {} are allowed", kMaxParamIndex),
                        source_.TokenSpan(token).begin);
    }
    return index;
  }

  // A `?` takes the number after the highest seen so far in the statement, in text order, so the
  // numbering does not depend on the order the builder visits the tree in.
  void NumberQuestionMarks() {
    uint32_t highest = 0;
    for (size_t i = statement_first_token_; i <= statement_last_token_; ++i) {
      const Token* token = tokens_.get(i);
      if (token->getType() == P::PARAMETER) {
        uint32_t index = DollarNumber(token);
        highest = std::max(highest, index == 0 ? kMaxParamIndex : index);
      } else if (token->getType() == P::QUESTION) {
        if (highest <= kMaxParamIndex) ++highest;
        question_marks_.emplace_back(i, highest);
      }
    }
    question_marks_numbered_ = true;
  }

  // ---------------------------------------------------------------------------------------------

  const SourceText& source_;
  antlr4::TokenStream& tokens_;
  ast::ExprPtr result_;
  int depth_ = 0;
  size_t statement_first_token_ = 0;
  size_t statement_last_token_ = 0;
  bool question_marks_numbered_ = false;
  std::vector<std::pair<size_t, uint32_t>> question_marks_;  // token index -> number, sorted
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// SourceText

void SourceText::Load(std::string_view text, bool strict) {
  text_ = text;
  if (!strict) return;
  // ASCII without NUL (bytes 1..127) is valid as it stands: the common case, checked fast.
  bool ascii = std::all_of(text.begin(), text.end(),
                           [](char c) { return static_cast<unsigned char>(c) - 1u < 0x7Fu; });
  for (size_t i = 0; !ascii && i < text.size();) {
    size_t length = ValidUtf8Length(text, i);
    if (length == 0) throw InvalidUtf8(text, i, i);
    i += length;
  }
}

ast::SourceSpan SourceText::TokenSpan(const antlr4::Token* token) const {
  // Stop indexes are inclusive; EOF's stop is its start minus one (wrapping at 0).
  return {static_cast<uint32_t>(token->getStartIndex()),
          static_cast<uint32_t>(token->getStopIndex() + 1)};
}

std::string_view SourceText::TokenText(const antlr4::Token* token) const {
  return Text(TokenSpan(token));
}

ast::SourceSpan SourceText::Span(antlr4::ParserRuleContext* ctx) const {
  ast::SourceSpan span = TokenSpan(ctx->getStart());
  const antlr4::Token* stop = ctx->getStop();
  if (stop && stop->getTokenIndex() >= ctx->getStart()->getTokenIndex()) {
    span.end = TokenSpan(stop).end;
  } else {
    span.end = span.begin;
  }
  return span;
}

// ---------------------------------------------------------------------------------------------

std::string AtOrNear(std::string_view token_text) {
  std::string_view shown = token_text;
  bool cut = false;
  if (shown.size() > kMaxQuotedTokenBytes) {
    size_t end = kMaxQuotedTokenBytes;
    while (end > 0 && (static_cast<unsigned char>(shown[end]) & 0xC0) == 0x80)
      --end;
    shown = shown.substr(0, end);
    cut = true;
  }
  return fmt::format(" at or near \"{}{}\"", shown, cut ? "..." : "");
}

SqlError NestingTooDeep(size_t position) {
  SqlError error(sqlstate::kStatementTooComplex, "stack depth limit exceeded", position);
  error.hint = fmt::format(
      "The statement nests expressions, subqueries or operator chains more than {} levels deep "
      "(or parentheses more than {}); simplify it or split it up.",
      kMaxParseNestingDepth, kMaxParenthesisDepth);
  return error;
}

std::vector<ast::StatementPtr> BuildStatements(antlr4::ParserRuleContext* script,
                                               const SourceText& source,
                                               antlr4::TokenStream& tokens) {
  AstBuilder builder(source, tokens);
  return builder.BuildScript(static_cast<P::ScriptContext*>(script));
}

}  // namespace shardql::grammar_internal
