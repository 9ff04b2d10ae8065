// The tokens of shardql's SQL dialect (PostgreSQL-flavoured, with the SQLite forms found in
// sqllogictest corpora). Conventions follow ShardingSphere's grammars: keywords in their own
// section, spelled with case-insensitive fragment letters (ANTLR 4.7.2 has no caseInsensitive
// option), literals and symbols after them, fragments last.
//
// The lexer never fails: every character is matched by some rule, ending with ERROR_CHAR. Tokens
// that are errors in themselves (UNTERMINATED_*, JUNK_*) are turned into SqlErrors by the C++
// lexer subclass in parser.cpp, with PostgreSQL's messages.
//
// NULL, TRUE and FALSE carry a trailing underscore because the C++ target would otherwise collide
// with the NULL macro (and TRUE/FALSE where a C header defines them).

lexer grammar ShardQLLexer;

// ---------------------------------------------------------------------------------------------
// Keywords. Which of them are reserved is decided in the parser (nonReservedKeyword).

ABORT: A B O R T;
ACTION: A C T I O N;
ALL: A L L;
ALTER: A L T E R;
ANALYZE: A N A L Y Z E;
AND: A N D;
ANY: A N Y;
AS: A S;
ASC: A S C;
ATTACH: A T T A C H;
AUTOINCREMENT: A U T O I N C R E M E N T;
BEGIN: B E G I N;
BETWEEN: B E T W E E N;
BOTH: B O T H;
BY: B Y;
CASCADE: C A S C A D E;
CASE: C A S E;
CAST: C A S T;
CHARACTER: C H A R A C T E R;
CHECK: C H E C K;
COLLATE: C O L L A T E;
COMMIT: C O M M I T;
CONSTRAINT: C O N S T R A I N T;
CREATE: C R E A T E;
CROSS: C R O S S;
CURRENT: C U R R E N T;
CURRENT_DATE: C U R R E N T '_' D A T E;
CURRENT_TIME: C U R R E N T '_' T I M E;
CURRENT_TIMESTAMP: C U R R E N T '_' T I M E S T A M P;
DATE: D A T E;
DEALLOCATE: D E A L L O C A T E;
DEFAULT: D E F A U L T;
DEFERRABLE: D E F E R R A B L E;
DEFERRED: D E F E R R E D;
DELETE: D E L E T E;
DESC: D E S C;
DETACH: D E T A C H;
DISTINCT: D I S T I N C T;
DISTRIBUTE: D I S T R I B U T E;
DOUBLE: D O U B L E;
DROP: D R O P;
ELSE: E L S E;
END: E N D;
ESCAPE: E S C A P E;
EXCEPT: E X C E P T;
EXCLUDE: E X C L U D E;
EXCLUSIVE: E X C L U S I V E;
EXECUTE: E X E C U T E;
EXISTS: E X I S T S;
EXPLAIN: E X P L A I N;
EXTRACT: E X T R A C T;
FAIL: F A I L;
FALSE_: F A L S E;
FETCH: F E T C H;
FILTER: F I L T E R;
FIRST: F I R S T;
FOLLOWING: F O L L O W I N G;
FOR: F O R;
FOREIGN: F O R E I G N;
FROM: F R O M;
FULL: F U L L;
GROUP: G R O U P;
GROUPS: G R O U P S;
HASH: H A S H;
HAVING: H A V I N G;
IF: I F;
IGNORE: I G N O R E;
ILIKE: I L I K E;
IMMEDIATE: I M M E D I A T E;
IN: I N;
INDEX: I N D E X;
INDEXED: I N D E X E D;
INITIALLY: I N I T I A L L Y;
INNER: I N N E R;
INSERT: I N S E R T;
INTERSECT: I N T E R S E C T;
INTERVAL: I N T E R V A L;
// interval units: keywords only so that `interval '1' day` reads; non-reserved.
YEAR: Y E A R;
MONTH: M O N T H;
DAY: D A Y;
HOUR: H O U R;
MINUTE: M I N U T E;
SECOND: S E C O N D;
INTO: I N T O;
IS: I S;
ISNULL: I S N U L L;
JOIN: J O I N;
KEY: K E Y;
LAST: L A S T;
LEADING: L E A D I N G;
LEFT: L E F T;
LIKE: L I K E;
LIMIT: L I M I T;
LOCAL: L O C A L;
LOCALTIME: L O C A L T I M E;
LOCALTIMESTAMP: L O C A L T I M E S T A M P;
NATURAL: N A T U R A L;
NEXT: N E X T;
NO: N O;
NOT: N O T;
NOTNULL: N O T N U L L;
NULL_: N U L L;
NULLS: N U L L S;
OFF: O F F;
OFFSET: O F F S E T;
ON: O N;
ONLY: O N L Y;
OR: O R;
ORDER: O R D E R;
OTHERS: O T H E R S;
OUTER: O U T E R;
OVER: O V E R;
OVERLAY: O V E R L A Y;
PARTITION: P A R T I T I O N;
PLACING: P L A C I N G;
POSITION: P O S I T I O N;
PRAGMA: P R A G M A;
PRECEDING: P R E C E D I N G;
PRECISION: P R E C I S I O N;
PREPARE: P R E P A R E;
PRIMARY: P R I M A R Y;
RANGE: R A N G E;
RECURSIVE: R E C U R S I V E;
REFERENCE: R E F E R E N C E;
REFERENCES: R E F E R E N C E S;
REINDEX: R E I N D E X;
REPLACE: R E P L A C E;
RESET: R E S E T;
RESTRICT: R E S T R I C T;
RIGHT: R I G H T;
ROLLBACK: R O L L B A C K;
ROW: R O W;
ROWS: R O W S;
SELECT: S E L E C T;
SESSION: S E S S I O N;
SET: S E T;
SHOW: S H O W;
SOME: S O M E;
START: S T A R T;
SUBSTRING: S U B S T R I N G;
TABLE: T A B L E;
TEMP: T E M P;
TEMPORARY: T E M P O R A R Y;
THEN: T H E N;
TIES: T I E S;
TIME: T I M E;
TIMESTAMP: T I M E S T A M P;
TO: T O;
TRAILING: T R A I L I N G;
TRANSACTION: T R A N S A C T I O N;
TRIM: T R I M;
TRIGGER: T R I G G E R;
TRUNCATE: T R U N C A T E;
TRUE_: T R U E;
UNBOUNDED: U N B O U N D E D;
UNION: U N I O N;
UNIQUE: U N I Q U E;
UNKNOWN: U N K N O W N;
UPDATE: U P D A T E;
USING: U S I N G;
VACUUM: V A C U U M;
VALUES: V A L U E S;
VARYING: V A R Y I N G;
VERBOSE: V E R B O S E;
VIEW: V I E W;
WHEN: W H E N;
WHERE: W H E R E;
WINDOW: W I N D O W;
WITH: W I T H;
WITHOUT: W I T H O U T;
WORK: W O R K;
ZONE: Z O N E;

// ---------------------------------------------------------------------------------------------
// Symbols. The lexer takes the longest match, so '<<' wins over '<' and '--' starts a comment.

SEMICOLON: ';';
COMMA: ',';
DOT: '.';
LEFT_PAREN: '(';
RIGHT_PAREN: ')';
STAR: '*';
PLUS: '+';
MINUS: '-';
SLASH: '/';
PERCENT: '%';
CONCAT: '||';
EQ: '=';
EQ_EQ: '==';
NOT_EQ: '<>';
BANG_EQ: '!=';
LT: '<';
LT_EQ: '<=';
GT: '>';
GT_EQ: '>=';
SHIFT_LEFT: '<<';
SHIFT_RIGHT: '>>';
AMPERSAND: '&';
PIPE: '|';
TILDE: '~';
TYPE_CAST: '::';
QUESTION: '?';

// ---------------------------------------------------------------------------------------------
// Literals and identifiers

INTEGER_LITERAL: DIGIT+;
DECIMAL_LITERAL
  : DIGIT+ '.' DIGIT* EXPONENT?
  | '.' DIGIT+ EXPONENT?
  | DIGIT+ EXPONENT
  ;
HEX_INTEGER_LITERAL: '0' [xX] HEX_DIGIT+;
// `123abc`, `1e`, `0x1G`: PostgreSQL 15 calls these "trailing junk after numeric literal".
// Defined after the valid forms so that a tie (`0x1F`) goes to them.
JUNK_NUMBER: (DIGIT+ ('.' DIGIT*)? | '.' DIGIT+) EXPONENT? IDENTIFIER_START IDENTIFIER_PART*;

PARAMETER: '$' DIGIT+;
JUNK_PARAMETER: '$' DIGIT+ IDENTIFIER_START IDENTIFIER_PART*;

STRING_LITERAL: '\'' (~'\'' | '\'\'')* '\'';
// PostgreSQL escape string: E'a\nb'. The escapes are decoded by the AST builder.
ESCAPE_STRING_LITERAL: [eE] '\'' (~['\\] | '\'\'' | '\\' .)* '\'';
// Untagged dollar quoting: $$ ... $$.
DOLLAR_STRING_LITERAL: '$$' .*? '$$';
// SQLite blob: X'0A1b'. The digits are checked by the AST builder.
BLOB_LITERAL: [xX] '\'' ~'\''* '\'';

IDENTIFIER: IDENTIFIER_START IDENTIFIER_PART*;
QUOTED_IDENTIFIER: '"' (~'"' | '""')* '"';

// Openings that never close. Each is one character shorter than its terminated form, so the
// longest-match rule picks the terminated form whenever there is one.
UNTERMINATED_STRING: '\'' (~'\'' | '\'\'')*;
UNTERMINATED_ESCAPE_STRING: [eE] '\'' (~['\\] | '\'\'' | '\\' .)* '\\'?;
UNTERMINATED_DOLLAR_STRING: '$$' (~'$' | '$' ~'$')* '$'?;
UNTERMINATED_QUOTED_IDENTIFIER: '"' (~'"' | '""')*;

// ---------------------------------------------------------------------------------------------
// Whitespace and comments

// The C++ lexer subclass (parser.cpp) consumes runs of whitespace itself before asking ANTLR for
// a token: in the 4.9 runtime a skipped token costs as much as a real one. The rule stays so that
// the grammar alone describes the language.
WHITESPACE: [ \t\r\n\f\u000B]+ -> skip;
LINE_COMMENT: '--' ~[\r\n]* -> skip;
// Block comments nest (PostgreSQL), which a lexer rule can only express by recursion, and ANTLR's
// lexer recursion is unbounded in depth and cost. The rule matches the opening only; the C++ lexer
// subclass reads the rest with a depth counter (PostgreSQL's xcdepth) and reports a comment left
// open at end of input.
BLOCK_COMMENT_OPEN: '/*' -> channel(HIDDEN);

// Anything else: the parser reports it as a syntax error.
ERROR_CHAR: .;

// ---------------------------------------------------------------------------------------------
// Fragments

fragment DIGIT: [0-9];
fragment HEX_DIGIT: [0-9a-fA-F];
fragment EXPONENT: [eE] [+-]? DIGIT+;
// Like PostgreSQL, every non-ASCII character may appear in an unquoted identifier.
// U+0001 stands in for them: ANTLR 4.9's lexer caches DFA transitions only for code points below
// 128 and simulates the ATN afresh for every other character (about 100 times slower), so
// parser.cpp hands the lexer U+0001 in place of each non-ASCII character, and U+0002 in place of a
// real U+0001. Every rule treats all non-ASCII characters alike, so nothing else changes.
fragment IDENTIFIER_START: [a-zA-Z_\u0001\u0080-\u{10FFFF}];
fragment IDENTIFIER_PART: [a-zA-Z_0-9$\u0001\u0080-\u{10FFFF}];

fragment A: [aA];
fragment B: [bB];
fragment C: [cC];
fragment D: [dD];
fragment E: [eE];
fragment F: [fF];
fragment G: [gG];
fragment H: [hH];
fragment I: [iI];
fragment J: [jJ];
fragment K: [kK];
fragment L: [lL];
fragment M: [mM];
fragment N: [nN];
fragment O: [oO];
fragment P: [pP];
fragment Q: [qQ];
fragment R: [rR];
fragment S: [sS];
fragment T: [tT];
fragment U: [uU];
fragment V: [vV];
fragment W: [wW];
fragment X: [xX];
fragment Y: [yY];
fragment Z: [zZ];
