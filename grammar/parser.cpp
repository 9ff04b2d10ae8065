#include "grammar/parser.h"

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>

#include "ShardQLLexer.h"
#include "ShardQLParser.h"
#include "antlr4-runtime.h"
#include "grammar/ast_builder.h"
#include "grammar/sql_error.h"
#include "grammar/sql_lexer.h"
#include "grammar/stack_guard.h"

namespace shardql {
namespace {

using grammar_internal::AtOrNear;
using grammar_internal::NestingTooDeep;
using grammar_internal::SourceText;
using GeneratedLexer = shardql_gen::ShardQLLexer;
using GeneratedParser = shardql_gen::ShardQLParser;

// Byte offsets are stored as uint32_t.
constexpr size_t kMaxSqlBytes = size_t{1} << 30;
// Inputs larger than this do not leave their buffers cached on the thread after the parse.
constexpr size_t kCachedInputBytes = size_t{64} << 10;

thread_local uint64_t ll_fallback_count = 0;

// The parser's tokens, from the one hand-written lexer (sql_lexer.h), plus what the grammar leaves
// to C++: error tokens become PostgreSQL's errors, a /* comment left open is reported, and
// parenthesis nesting is bounded before the parser's lookahead walks into it.
class LexerTokenSource : public antlr4::TokenSource {
 public:
  void Start(std::string_view text, const SourceText* source) {
    lexer_.emplace(text);
    source_ = source;
    failed_ = false;
    paren_depth_ = 0;
    text_size_ = text.size();
  }

  std::unique_ptr<antlr4::Token> nextToken() override {
    if (failed_) return Token(antlr4::Token::EOF, text_size_, text_size_);
    SqlToken token = lexer_->Next();
    if (token.cls == TokenClass::kEnd) {
      if (lexer_->unterminated_comment()) {
        size_t start = lexer_->unterminated_comment_start();
        Fail(SqlError(sqlstate::kSyntaxError,
                      "unterminated /* comment" + AtOrNear(source_->text().substr(start)), start));
      }
      return Token(antlr4::Token::EOF, token.begin, token.begin);
    }
    switch (token.type) {
      case GeneratedLexer::LEFT_PAREN:
        if (++paren_depth_ > kMaxParenthesisDepth) Fail(NestingTooDeep(token.begin));
        break;
      case GeneratedLexer::RIGHT_PAREN:
        if (paren_depth_ > 0) --paren_depth_;
        break;
      case GeneratedLexer::UNTERMINATED_STRING:
      case GeneratedLexer::UNTERMINATED_ESCAPE_STRING:
        FailAt(token, "unterminated quoted string");
        break;
      case GeneratedLexer::UNTERMINATED_DOLLAR_STRING:
        FailAt(token, "unterminated dollar-quoted string");
        break;
      case GeneratedLexer::UNTERMINATED_QUOTED_IDENTIFIER:
        FailAt(token, "unterminated quoted identifier");
        break;
      case GeneratedLexer::JUNK_NUMBER:
        FailAt(token, "trailing junk after numeric literal");
        break;
      case GeneratedLexer::JUNK_PARAMETER:
        FailAt(token, "trailing junk after parameter");
        break;
      default:
        break;
    }
    return Token(token.type, token.begin, token.end);
  }

  size_t getLine() const override { return 1; }
  size_t getCharPositionInLine() override { return 0; }
  antlr4::CharStream* getInputStream() override { return nullptr; }
  std::string getSourceName() override { return "sql"; }
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override {
    return antlr4::CommonTokenFactory::DEFAULT.get();
  }

 private:
  // Start and stop are byte offsets (stop inclusive, as ANTLR counts it).
  std::unique_ptr<antlr4::Token> Token(size_t type, size_t begin, size_t end) {
    return std::make_unique<antlr4::CommonToken>(
        std::pair<antlr4::TokenSource*, antlr4::CharStream*>(this, nullptr), type,
        antlr4::Token::DEFAULT_CHANNEL, begin, end - 1);
  }

  void FailAt(const SqlToken& token, const char* what) {
    std::string_view text = source_->text().substr(token.begin, token.end - token.begin);
    Fail(SqlError(sqlstate::kSyntaxError, what + AtOrNear(text), token.begin));
  }

  [[noreturn]] void Fail(SqlError error) {
    failed_ = true;
    throw error;
  }

  std::optional<SqlLexer> lexer_;
  const SourceText* source_ = nullptr;
  bool failed_ = false;
  int paren_depth_ = 0;
  size_t text_size_ = 0;
};

// Thrown by the SLL stage at its first error; ParseSql catches it and retries with full LL.
struct SllBailout {};

// No recovery in either stage: the SLL stage bails out, the LL stage reports the first error the
// way PostgreSQL words it.
class FirstErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  explicit FirstErrorStrategy(bool bail) : bail_(bail) {}

  void reportError(antlr4::Parser* parser, const antlr4::RecognitionException& e) override {
    Fail(parser, e.getOffendingToken());
  }
  void recover(antlr4::Parser* parser, std::exception_ptr) override { Fail(parser, nullptr); }
  antlr4::Token* recoverInline(antlr4::Parser* parser) override { Fail(parser, nullptr); }
  void sync(antlr4::Parser*) override {}

 private:
  [[noreturn]] void Fail(antlr4::Parser* parser, antlr4::Token* token);

  bool bail_;
};

// The generated parser with the depth guards the grammar cannot express: every rule entry checks
// the C++ stack, and a left-folded operator chain (a + b + c ..., parsed iteratively by ANTLR) is
// cut off at kMaxParseNestingDepth before it grows a parse tree the AST could not hold anyway.
class SqlParser : public GeneratedParser {
 public:
  explicit SqlParser(antlr4::TokenStream* tokens) : GeneratedParser(tokens) {
    removeErrorListeners();
    // The AST builder reads labels only, so no child lists and no terminal nodes are built.
    setBuildParseTree(false);
  }

  enum class Stage { kSll, kLl };

  void UseStage(Stage stage, const SourceText* source) {
    source_ = source;
    chain_lengths_.clear();
    setErrorHandler(stage == Stage::kSll ? sll_strategy_ : ll_strategy_);
    getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        stage == Stage::kSll ? antlr4::atn::PredictionMode::SLL : antlr4::atn::PredictionMode::LL);
  }

  using GeneratedParser::enterRecursionRule;

  void enterRule(antlr4::ParserRuleContext* ctx, size_t state, size_t rule) override {
    GeneratedParser::enterRule(ctx, state, rule);
    CheckStackDepth();
    CheckLoopChain(ctx, rule);
  }

  void enterRecursionRule(antlr4::ParserRuleContext* ctx, size_t state, size_t rule,
                          int precedence) override {
    // The base call first: the generated code unrolls only what was entered.
    GeneratedParser::enterRecursionRule(ctx, state, rule, precedence);
    chain_lengths_.push_back(0);
    CheckStackDepth();
  }

  void pushNewRecursionContext(antlr4::ParserRuleContext* ctx, size_t state, size_t rule) override {
    GeneratedParser::pushNewRecursionContext(ctx, state, rule);
    if (!chain_lengths_.empty() && ++chain_lengths_.back() > kMaxParseNestingDepth) {
      throw NestingTooDeep(source_->TokenSpan(getCurrentToken()).begin);
    }
  }

  // Runs from a scope guard during unwinding too: must not throw.
  void unrollRecursionContexts(antlr4::ParserRuleContext* parent) override {
    if (!chain_lengths_.empty()) chain_lengths_.pop_back();
    GeneratedParser::unrollRecursionContexts(parent);
  }

  const SourceText& source() const { return *source_; }

 private:
  // Set operations and joins are grammar loops, but the AST folds them into left-deep trees: cut
  // them off here too, rather than parse a 100k-long chain only for the builder to refuse it.
  void CheckLoopChain(antlr4::ParserRuleContext* ctx, size_t rule) {
    size_t folded = 0;
    switch (rule) {
      case RuleSetOperator:
        folded = static_cast<QueryExpressionContext*>(ctx->parent)->operators.size();
        break;
      case RuleIntersectOperator:
        folded = static_cast<QueryTermContext*>(ctx->parent)->operators.size();
        break;
      case RuleJoinClause:
        folded = static_cast<TableReferenceContext*>(ctx->parent)->joins.size();
        break;
      default:
        return;
    }
    if (folded >= static_cast<size_t>(kMaxParseNestingDepth)) {
      throw NestingTooDeep(source_->TokenSpan(getCurrentToken()).begin);
    }
  }

  const SourceText* source_ = nullptr;
  std::vector<int> chain_lengths_;  // operators folded so far, per active left-recursive rule
  std::shared_ptr<FirstErrorStrategy> sll_strategy_ = std::make_shared<FirstErrorStrategy>(true);
  std::shared_ptr<FirstErrorStrategy> ll_strategy_ = std::make_shared<FirstErrorStrategy>(false);
};

void FirstErrorStrategy::Fail(antlr4::Parser* parser, antlr4::Token* token) {
  if (bail_) throw SllBailout();
  if (!token) token = parser->getCurrentToken();
  const SourceText& source = static_cast<SqlParser*>(parser)->source();
  if (token->getType() == antlr4::Token::EOF) {
    throw SqlError(sqlstate::kSyntaxError, "syntax error at end of input", source.text().size());
  }
  throw SqlError(sqlstate::kSyntaxError, "syntax error" + AtOrNear(source.TokenText(token)),
                 source.TokenSpan(token).begin);
}

// Lexer, token stream and parser are built once per thread and reset for each statement: their
// construction costs more than parsing a short statement. ANTLR's DFA cache is static already.
struct ParserBundle {
  SourceText source;
  LexerTokenSource lexer;
  antlr4::CommonTokenStream tokens{&lexer};
  SqlParser parser{&tokens};
  bool busy = false;

  void Start(std::string_view text) {
    source.Load(text, /*strict=*/true);
    lexer.Start(text, &source);
    tokens.setTokenSource(&lexer);
    parser.setTokenStream(&tokens);
  }

  // Frees the parse tree and tokens; the next Start resets the rest.
  void Clear() {
    tokens.setTokenSource(&lexer);
    parser.setTokenStream(&tokens);
  }
};

thread_local std::unique_ptr<ParserBundle> cached_bundle;

// The thread's bundle, or a private one when the thread's is in use (a parse inside a parse).
class BundleLease {
 public:
  explicit BundleLease(size_t input_bytes) : large_(input_bytes > kCachedInputBytes) {
    if (!cached_bundle) cached_bundle = std::make_unique<ParserBundle>();
    if (cached_bundle->busy) {
      own_ = std::make_unique<ParserBundle>();
      bundle_ = own_.get();
    } else {
      bundle_ = cached_bundle.get();
    }
    bundle_->busy = true;
  }

  ~BundleLease() {
    bundle_->Clear();
    bundle_->busy = false;
    // A huge input leaves huge buffers behind; start afresh rather than keep them.
    if (large_ && bundle_ == cached_bundle.get()) cached_bundle.reset();
  }

  BundleLease(const BundleLease&) = delete;
  BundleLease& operator=(const BundleLease&) = delete;

  ParserBundle& operator*() { return *bundle_; }

 private:
  bool large_;
  std::unique_ptr<ParserBundle> own_;
  ParserBundle* bundle_ = nullptr;
};

void CheckLength(std::string_view text) {
  if (text.size() >= kMaxSqlBytes) {
    throw SqlError(sqlstate::kProgramLimitExceeded,
                   fmt::format("statement text is too long ({} bytes)", text.size()));
  }
}

// Follows statement boundaries token by token for SplitSql. Inside a CREATE TRIGGER
// body (BEGIN ... END, with nested CASE ... END) a ';' does not end the statement.
class StatementEndTracker {
 public:
  void Add(size_t type) {
    if (head_length_ < 3) head_[head_length_++] = type;
    if (InCreateTrigger()) {
      if (body_depth_ == 0 && !body_done_ && type == GeneratedLexer::BEGIN) {
        body_depth_ = 1;
      } else if (body_depth_ > 0 && type == GeneratedLexer::CASE) {
        ++body_depth_;
      } else if (body_depth_ > 0 && type == GeneratedLexer::END && --body_depth_ == 0) {
        body_done_ = true;
      }
    }
    ended_ = type == GeneratedLexer::SEMICOLON && body_depth_ == 0;
    if (ended_) {  // the next token starts a new statement
      head_length_ = 0;
      body_done_ = false;
    }
  }

  bool ended() const { return ended_; }

 private:
  bool InCreateTrigger() const {
    if (head_length_ < 2 || head_[0] != GeneratedLexer::CREATE) return false;
    if (head_[1] == GeneratedLexer::TRIGGER) return true;
    return head_length_ == 3 &&
           (head_[1] == GeneratedLexer::TEMP || head_[1] == GeneratedLexer::TEMPORARY) &&
           head_[2] == GeneratedLexer::TRIGGER;
  }

  size_t head_[3] = {0, 0, 0};
  size_t head_length_ = 0;
  int body_depth_ = 0;
  bool body_done_ = false;
  bool ended_ = false;
};

}  // namespace

std::vector<ast::StatementPtr> ParseSql(std::string_view text) {
  StackDepthScope stack_scope;
  CheckLength(text);
  BundleLease lease(text.size());
  ParserBundle& bundle = *lease;
  try {
    bundle.Start(text);
    SqlParser& parser = bundle.parser;
    antlr4::ParserRuleContext* script = nullptr;
    try {
      parser.UseStage(SqlParser::Stage::kSll, &bundle.source);
      script = parser.script();
    } catch (const SllBailout&) {
      // SLL prediction may fail where full-context LL succeeds; only LL may report the error.
      ++ll_fallback_count;
      parser.reset();  // rewinds the token stream, keeps the tokens
      parser.UseStage(SqlParser::Stage::kLl, &bundle.source);
      script = parser.script();
    }
    return grammar_internal::BuildStatements(script, bundle.source, bundle.tokens);
  } catch (const antlr4::RuntimeException& e) {
    // Not expected (no input in the tests gets here), but an ANTLR type must not leave grammar/.
    throw SqlError(sqlstate::kInternalError, std::string("internal parser error: ") + e.what());
  }
}

SqlPieces SplitSql(std::string_view text) {
  SqlPieces out;
  if (text.size() >= kMaxSqlBytes) {
    out.rest = std::string(text);
    out.rest_blank = text.empty();
    return out;
  }
  SqlLexer lexer(text);
  StatementEndTracker tracker;
  size_t start = 0;
  bool blank = true;
  for (SqlToken token = lexer.Next(); token.cls != TokenClass::kEnd; token = lexer.Next()) {
    tracker.Add(token.type);
    if (!tracker.ended()) {
      blank = false;
      continue;
    }
    if (!blank) out.statements.emplace_back(text.substr(start, token.begin - start));
    start = token.end;
    blank = true;
  }
  out.rest = std::string(text.substr(start));
  out.rest_blank = blank && !lexer.unterminated_comment();
  return out;
}

namespace internal {
uint64_t LlFallbackCount() {
  return ll_fallback_count;
}
}  // namespace internal

}  // namespace shardql
