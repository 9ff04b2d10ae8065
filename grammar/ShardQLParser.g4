// The statements of shardql's SQL dialect. The AST builder (ast_builder.cpp) reads the parse tree
// only through the element labels below (name=rule, items+=rule), never through child lists, so
// the parser runs with parse-tree building switched off. A new element the builder needs must
// get a label.
//
// Tuned for ANTLR's SLL prediction (parser.cpp parses with SLL first and retries with full LL
// only on failure): keyword sets that can continue an expression are kept out of bare aliases,
// and operands whose end is not marked by a delimiter (BETWEEN's bounds, LIKE's pattern) are
// restricted to bitExpr, so no decision has to look past the end of an expression.

parser grammar ShardQLParser;

options {
  tokenVocab = ShardQLLexer;
}

// ---------------------------------------------------------------------------------------------
// Scripts and statements

script
  : statements+=statement? (SEMICOLON statements+=statement?)* EOF
  ;

statement
  : selectStmt=query
  | insertStmt=insertStatement
  | updateStmt=updateStatement
  | deleteStmt=deleteStatement
  | createTableStmt=createTableStatement
  | createIndexStmt=createIndexStatement
  | createViewStmt=createViewStatement
  | dropStmt=dropStatement
  | transactionStmt=transactionStatement
  | explainStmt=explainStatement
  | setStmt=setStatement
  | resetStmt=resetStatement
  | showStmt=showStatement
  | prepareStmt=prepareStatement
  | executeStmt=executeStatement
  | deallocateStmt=deallocateStatement
  | analyzeStmt=analyzeStatement
  | unsupportedStmt=unsupportedStatement
  ;

// ---------------------------------------------------------------------------------------------
// Queries

query
  : with=withClause? body=queryExpression orderBy=orderByClause? limit=limitClause?
  ;

withClause
  : WITH recursive=RECURSIVE? ctes+=commonTableExpression (COMMA ctes+=commonTableExpression)*
  ;

commonTableExpression
  : name=identifier columns=columnNameList? AS LEFT_PAREN definition=query RIGHT_PAREN
  ;

// UNION and EXCEPT bind looser than INTERSECT; all are left-associative (PostgreSQL).
queryExpression
  : terms+=queryTerm (operators+=setOperator terms+=queryTerm)*
  ;

setOperator
  : op=(UNION | EXCEPT) quantifier=(ALL | DISTINCT)?
  ;

queryTerm
  : primaries+=queryPrimary (operators+=intersectOperator primaries+=queryPrimary)*
  ;

intersectOperator
  : op=INTERSECT quantifier=(ALL | DISTINCT)?
  ;

queryPrimary
  : core=selectCore
  | values=valuesClause
  | LEFT_PAREN nested=query RIGHT_PAREN
  ;

selectCore
  : SELECT quantifier=(DISTINCT | ALL)? items+=selectItem (COMMA items+=selectItem)*
    (FROM from+=tableReference (COMMA from+=tableReference)*)?
    (WHERE where=expr)?
    (GROUP BY groupBy+=expr (COMMA groupBy+=expr)*)?
    (HAVING having=expr)?
    (WINDOW windows+=windowDefinition (COMMA windows+=windowDefinition)*)?
  ;

// `t.*` spells its qualifier out rather than using qualifiedName, so that no use of qualifiedName
// is followed by a '.' and its loop stays an LL(1) decision.
selectItem
  : star=STAR
  | qualifier+=identifier DOT (qualifier+=identifier DOT)* star=STAR
  | value=expr (AS label=columnLabel | bare=bareLabel)?
  ;

valuesClause
  : VALUES rows+=valuesRow (COMMA rows+=valuesRow)*
  ;

valuesRow
  : LEFT_PAREN values+=expr (COMMA values+=expr)* RIGHT_PAREN
  ;

tableReference
  : first=tablePrimary joins+=joinClause*
  ;

joinClause
  : cross=CROSS JOIN right=tablePrimary
  | natural=NATURAL? type=joinType? JOIN right=tablePrimary condition=joinCondition?
  ;

joinType
  : kind=INNER
  | kind=(LEFT | RIGHT | FULL) OUTER?
  ;

joinCondition
  : ON on=expr
  | USING columns=columnNameList
  ;

// The parenthesised forms share one alternative so that the choice between a name and a '('
// stays LL(1); only a '(' needs prediction.
tablePrimary
  : name=qualifiedName alias=tableAlias? indexHint?
  | LEFT_PAREN (subquery=query RIGHT_PAREN alias=tableAlias? | nested=tableReference RIGHT_PAREN)
  ;

tableAlias
  : AS? name=identifier columns=columnNameList?
  ;

// SQLite's index hints are accepted and dropped: shards choose their own plans. INDEXED is
// reserved so that whether a table has an alias stays an LL(1) decision.
indexHint
  : INDEXED BY identifier
  | NOT INDEXED
  ;

windowDefinition
  : name=identifier AS LEFT_PAREN spec=windowSpecification RIGHT_PAREN
  ;

windowSpecification
  : (PARTITION BY partitions+=expr (COMMA partitions+=expr)*)? orderBy=orderByClause? frame=frameClause?
  ;

// The frame is passed to the backends as written; the builder keeps its source text.
frameClause
  : (ROWS | RANGE | GROUPS) (BETWEEN frameBound AND frameBound | frameBound) frameExclusion?
  ;

frameBound
  : UNBOUNDED (PRECEDING | FOLLOWING)
  | CURRENT ROW
  | expr (PRECEDING | FOLLOWING)
  ;

frameExclusion
  : EXCLUDE (CURRENT ROW | GROUP | TIES | NO OTHERS)
  ;

orderByClause
  : ORDER BY items+=orderItem (COMMA items+=orderItem)*
  ;

orderItem
  : value=expr direction=(ASC | DESC)? (NULLS nulls=(FIRST | LAST))?
  ;

limitClause
  : LIMIT offset=expr sqliteComma=COMMA count=expr
  | LIMIT (count=expr | ALL) (OFFSET offset=expr (ROW | ROWS)?)?
  | OFFSET offset=expr (ROW | ROWS)? (LIMIT (count=expr | ALL) | fetch=fetchClause)?
  | fetch=fetchClause
  ;

fetchClause
  : FETCH (FIRST | NEXT) count=expr? (ROW | ROWS) ONLY
  ;

// ---------------------------------------------------------------------------------------------
// Expressions, PostgreSQL precedence. `expr` holds the boolean and comparison levels; bitExpr the
// arithmetic ones. Alternatives of a left-recursive rule bind tighter the earlier they appear.

expr
  : operand=bitExpr                                                                  # bitExpression
  | left=expr negated=NOT? BETWEEN low=bitExpr AND high=bitExpr                      # betweenExpr
  | left=expr negated=NOT? IN LEFT_PAREN subquery=query RIGHT_PAREN                  # inQueryExpr
  | left=expr negated=NOT? IN LEFT_PAREN (list+=expr (COMMA list+=expr)*)? RIGHT_PAREN # inListExpr
  | left=expr negated=NOT? IN table=qualifiedName                                    # inTableExpr
  | left=expr negated=NOT? op=(LIKE | ILIKE) pattern=bitExpr (ESCAPE escape=bitExpr)? # likeExpr
  | left=expr op=(EQ | EQ_EQ | NOT_EQ | BANG_EQ | LT | LT_EQ | GT | GT_EQ)
    quantifier=(ANY | SOME | ALL) LEFT_PAREN subquery=query RIGHT_PAREN             # quantifiedExpr
  | left=expr op=(EQ | EQ_EQ | NOT_EQ | BANG_EQ | LT | LT_EQ | GT | GT_EQ) right=expr # comparisonExpr
  | left=expr IS negated=NOT? NULL_                                                  # isNullExpr
  | left=expr op=(ISNULL | NOTNULL)                                                  # isNullPostfixExpr
  | left=expr NOT NULL_                                                              # notNullPostfixExpr
  | left=expr IS negated=NOT? value=(TRUE_ | FALSE_ | UNKNOWN)                        # isBoolExpr
  | left=expr IS negated=NOT? DISTINCT FROM right=expr                               # isDistinctExpr
  | NOT operand=expr                                                                 # notExpr
  | left=expr AND right=expr                                                         # andExpr
  | left=expr OR right=expr                                                          # orExpr
  ;

bitExpr
  : value=primary                                                                    # primaryExpr
  | operand=bitExpr TYPE_CAST type=castTypeName                                      # castOperatorExpr
  | operand=bitExpr COLLATE collation=identifier                                     # collateExpr
  | op=(PLUS | MINUS | TILDE) operand=bitExpr                                        # unaryExpr
  | left=bitExpr op=(STAR | SLASH | PERCENT) right=bitExpr                           # multiplicativeExpr
  | left=bitExpr op=(PLUS | MINUS) right=bitExpr                                     # additiveExpr
  | left=bitExpr op=(CONCAT | SHIFT_LEFT | SHIFT_RIGHT | AMPERSAND | PIPE) right=bitExpr # otherOperatorExpr
  ;

primary
  : value=literal                                                                    # literalPrimary
  | param=(PARAMETER | QUESTION)                                                     # parameterPrimary
  | LEFT_PAREN subquery=query RIGHT_PAREN                                            # subqueryPrimary
  | LEFT_PAREN inner=expr RIGHT_PAREN                                                # parenthesizedPrimary
  | EXISTS LEFT_PAREN subquery=query RIGHT_PAREN                                     # existsPrimary
  | CASE operand=expr? whens+=whenClause+ (ELSE otherwise=expr)? END                 # casePrimary
  | CAST LEFT_PAREN operand=expr AS type=typeName RIGHT_PAREN                        # castPrimary
  | EXTRACT LEFT_PAREN field=extractField FROM source=expr RIGHT_PAREN               # extractPrimary
  | SUBSTRING LEFT_PAREN source=expr FROM start_=expr (FOR length=expr)? RIGHT_PAREN # substringPrimary
  | SUBSTRING LEFT_PAREN source=expr FOR length=expr (FROM start_=expr)? RIGHT_PAREN # substringPrimary
  | POSITION LEFT_PAREN needle=bitExpr IN haystack=bitExpr RIGHT_PAREN               # positionPrimary
  | OVERLAY LEFT_PAREN source=expr PLACING replacement=expr FROM start_=expr (FOR length=expr)? RIGHT_PAREN # overlayPrimary
  | TRIM LEFT_PAREN side=(BOTH | LEADING | TRAILING)? arguments=trimArguments RIGHT_PAREN # trimPrimary
  | keyword=(CURRENT_DATE | CURRENT_TIME | CURRENT_TIMESTAMP | LOCALTIME | LOCALTIMESTAMP) # currentDateTimePrimary
  | typeKeyword=(DATE | TIME | TIMESTAMP) value=stringLiteral                        # typedLiteralPrimary
  | INTERVAL value=stringLiteral unit=(YEAR | MONTH | DAY | HOUR | MINUTE | SECOND)?   # intervalLiteralPrimary
  | call=functionCall                                                                # functionPrimary
  | column=qualifiedName                                                             # columnPrimary
  ;

literal
  : value=(NULL_ | TRUE_ | FALSE_ | INTEGER_LITERAL | DECIMAL_LITERAL | HEX_INTEGER_LITERAL | BLOB_LITERAL)
  | str=stringLiteral
  ;

stringLiteral
  : value=(STRING_LITERAL | ESCAPE_STRING_LITERAL | DOLLAR_STRING_LITERAL)
  ;

whenClause
  : WHEN condition=expr THEN result=expr
  ;

// PostgreSQL's trim_list: trim(chars FROM s), trim(FROM s), trim(s), trim(s, chars).
trimArguments
  : characters=expr FROM args+=expr (COMMA args+=expr)*
  | FROM? args+=expr (COMMA args+=expr)*
  ;

extractField
  : name=identifier
  | str=stringLiteral
  ;

functionCall
  : name=functionName LEFT_PAREN
    (star=STAR | quantifier=(DISTINCT | ALL)? args+=expr (COMMA args+=expr)*)? RIGHT_PAREN
    (FILTER LEFT_PAREN WHERE filter=expr RIGHT_PAREN)?
    (OVER over=windowReference)?
  ;

// LEFT and RIGHT are reserved (joins) but also name string functions.
functionName
  : parts+=identifier (DOT parts+=identifier)*
  | keyword=(LEFT | RIGHT)
  ;

windowReference
  : name=identifier
  | LEFT_PAREN spec=windowSpecification RIGHT_PAREN
  ;

// ---------------------------------------------------------------------------------------------
// Types

typeName
  : words+=typeWord+ modifiers=typeModifiers? zone=timeZoneSuffix?
  ;

// After `::` a type is one word, so that `x::int y` reads y as an alias; the standard's two-word
// names are spelled out.
castTypeName
  : words+=DOUBLE words+=PRECISION
  | words+=CHARACTER words+=VARYING modifiers=typeModifiers?
  | words+=(TIMESTAMP | TIME) modifiers=typeModifiers? zone=timeZoneSuffix?
  | word=typeWord modifiers=typeModifiers?
  ;

typeWord
  : IDENTIFIER
  | QUOTED_IDENTIFIER
  | nonReservedKeyword
  ;

typeModifiers
  : LEFT_PAREN values+=typeModifier (COMMA values+=typeModifier)* RIGHT_PAREN
  ;

typeModifier
  : (PLUS | MINUS)? INTEGER_LITERAL
  | identifier
  ;

timeZoneSuffix
  : (WITH | WITHOUT) TIME ZONE
  ;

// ---------------------------------------------------------------------------------------------
// Data manipulation

insertStatement
  : INSERT INTO table=qualifiedName (AS alias=identifier)? columns=columnNameList?
    (defaultValues=DEFAULT VALUES | source=query)
  ;

updateStatement
  : UPDATE table=qualifiedName (AS? alias=identifier)?
    SET assignments+=assignment (COMMA assignments+=assignment)* (WHERE where=expr)?
  ;

assignment
  : column=identifier EQ (toDefault=DEFAULT | value=expr)
  ;

deleteStatement
  : DELETE FROM table=qualifiedName (AS? alias=identifier)? (WHERE where=expr)?
  ;

// ---------------------------------------------------------------------------------------------
// Data definition

createTableStatement
  : CREATE temporary=(TEMP | TEMPORARY)? TABLE (ifNotExists=IF NOT EXISTS)? name=qualifiedName
    LEFT_PAREN elements+=tableElement (COMMA elements+=tableElement)* RIGHT_PAREN
    distribution=distributeClause?
  ;

tableElement
  : constraint=tableConstraint
  | column=columnDefinition
  ;

columnDefinition
  : name=identifier type=typeName? constraints+=columnConstraint*
  ;

columnConstraint
  : (CONSTRAINT constraintName=identifier)?
    ( notNull=NOT NULL_
    | nullable=NULL_
    | primaryKey=PRIMARY KEY direction=(ASC | DESC)? autoincrement=AUTOINCREMENT?
    | unique=UNIQUE
    | DEFAULT defaultValue=columnDefault
    | COLLATE collation=identifier
    | CHECK LEFT_PAREN check=expr RIGHT_PAREN
    | references=referencesClause
    )
  ;

columnDefault
  : value=literal
  | sign=(PLUS | MINUS) number=(INTEGER_LITERAL | DECIMAL_LITERAL | HEX_INTEGER_LITERAL)
  | LEFT_PAREN inner=expr RIGHT_PAREN
  | keyword=(CURRENT_DATE | CURRENT_TIME | CURRENT_TIMESTAMP)
  ;

tableConstraint
  : (CONSTRAINT constraintName=identifier)?
    ( primaryKey=PRIMARY KEY LEFT_PAREN columns+=constraintColumn (COMMA columns+=constraintColumn)* RIGHT_PAREN
    | unique=UNIQUE LEFT_PAREN columns+=constraintColumn (COMMA columns+=constraintColumn)* RIGHT_PAREN
    | CHECK LEFT_PAREN check=expr RIGHT_PAREN
    | foreignKey=FOREIGN KEY foreignColumns=columnNameList references=referencesClause
    )
  ;

// A key column; SQLite's collation and direction here are accepted and dropped.
constraintColumn
  : name=identifier (COLLATE identifier)? (ASC | DESC)?
  ;

// Referential actions and deferrability are accepted and dropped: shardql does not enforce
// foreign keys across shards.
referencesClause
  : REFERENCES table=qualifiedName columns=columnNameList? referenceAction* deferrability?
  ;

referenceAction
  : ON (DELETE | UPDATE) (CASCADE | RESTRICT | NO ACTION | SET NULL_ | SET DEFAULT)
  ;

deferrability
  : NOT? DEFERRABLE (INITIALLY (DEFERRED | IMMEDIATE))?
  ;

distributeClause
  : DISTRIBUTE BY (HASH LEFT_PAREN column=identifier RIGHT_PAREN | reference=REFERENCE)
  ;

createIndexStatement
  : CREATE unique=UNIQUE? INDEX (ifNotExists=IF NOT EXISTS)? name=identifier?
    ON table=qualifiedName LEFT_PAREN columns+=indexColumn (COMMA columns+=indexColumn)* RIGHT_PAREN
    (WHERE where=expr)?
  ;

// A COLLATE on the column arrives inside the expression; the builder moves it to the column.
indexColumn
  : value=expr direction=(ASC | DESC)?
  ;

createViewStatement
  : CREATE (orReplace=OR REPLACE)? temporary=(TEMP | TEMPORARY)? VIEW (ifNotExists=IF NOT EXISTS)?
    name=qualifiedName columns=columnNameList? AS definition=query
  ;

dropStatement
  : DROP object=(TABLE | INDEX | VIEW) (ifExists=IF EXISTS)? names+=qualifiedName (COMMA names+=qualifiedName)*
    behavior=(CASCADE | RESTRICT)?
  ;

// ---------------------------------------------------------------------------------------------
// Transactions, EXPLAIN, settings

transactionStatement
  : op=BEGIN (DEFERRED | IMMEDIATE | EXCLUSIVE)? (TRANSACTION | WORK)?
  | op=START TRANSACTION
  | op=(COMMIT | END) (TRANSACTION | WORK)?
  | op=ROLLBACK (TRANSACTION | WORK)?
  ;

explainStatement
  : EXPLAIN LEFT_PAREN explainOptions+=explainOption (COMMA explainOptions+=explainOption)* RIGHT_PAREN target=statement
  | EXPLAIN analyze=ANALYZE? verbose=VERBOSE? target=statement
  ;

explainOption
  : name=(ANALYZE | VERBOSE) value=(TRUE_ | FALSE_ | ON | OFF)?
  | other=identifier value=(TRUE_ | FALSE_ | ON | OFF)?
  ;

// ANALYZE [VERBOSE] [table, ...]: statistics for the cost model.
analyzeStatement
  : ANALYZE verbose=VERBOSE? (tables+=qualifiedName (COMMA tables+=qualifiedName)*)?
  ;

setStatement
  : SET scope=(SESSION | LOCAL)? name=settingName (TO | EQ)
    (toDefault=DEFAULT | values+=setValue (COMMA values+=setValue)*)
  ;

resetStatement
  : RESET (name=settingName | all=ALL)
  ;

showStatement
  : SHOW (name=settingName | all=ALL)
  ;

settingName
  : parts+=identifier (DOT parts+=identifier)*
  ;

// PostgreSQL's prepared statements, at the SQL level.
prepareStatement
  : PREPARE name=identifier (LEFT_PAREN types+=typeName (COMMA types+=typeName)* RIGHT_PAREN)?
    AS target=statement
  ;

executeStatement
  : EXECUTE name=identifier (LEFT_PAREN args+=expr (COMMA args+=expr)* RIGHT_PAREN)?
  ;

deallocateStatement
  : DEALLOCATE PREPARE? (all=ALL | name=identifier)
  ;

setValue
  : sign=(PLUS | MINUS)? number=(INTEGER_LITERAL | DECIMAL_LITERAL)
  | str=stringLiteral
  | word=identifier
  | keyword=(TRUE_ | FALSE_ | ON)
  ;

// ---------------------------------------------------------------------------------------------
// Statements recognised only to be refused with a clear message. A trigger body holds
// semicolons; it runs to the END that matches its BEGIN, counting CASE ... END pairs.

unsupportedStatement
  : CREATE (TEMP | TEMPORARY)? TRIGGER triggerHeaderToken* triggerBody
  | DROP TRIGGER anyToken*
  | REINDEX anyToken*
  | INSERT OR conflict=(REPLACE | IGNORE | ABORT | FAIL | ROLLBACK) anyToken*
  | REPLACE INTO anyToken*
  | UPDATE OR conflict=(REPLACE | IGNORE | ABORT | FAIL | ROLLBACK) anyToken*
  | VACUUM anyToken*
  | PRAGMA anyToken*
  | ATTACH anyToken*
  | DETACH anyToken*
  | ALTER (object=anyToken anyToken*)?
  | TRUNCATE anyToken*
  ;

anyToken
  : ~SEMICOLON
  ;

triggerHeaderToken
  : ~(SEMICOLON | BEGIN)
  ;

triggerBody
  : BEGIN triggerBodyToken* END
  ;

triggerBodyToken
  : CASE triggerBodyToken* END
  | ~(CASE | END)
  ;

// ---------------------------------------------------------------------------------------------
// Names

qualifiedName
  : parts+=identifier (DOT parts+=identifier)*
  ;

columnNameList
  : LEFT_PAREN names+=identifier (COMMA names+=identifier)* RIGHT_PAREN
  ;

identifier
  : IDENTIFIER
  | QUOTED_IDENTIFIER
  | nonReservedKeyword
  ;

// A select-list alias after AS may be any word, reserved or not (PostgreSQL's ColLabel).
columnLabel
  : identifier
  | reservedKeyword
  ;

// A select-list alias without AS: keywords that can continue an expression are left out.
bareLabel
  : IDENTIFIER
  | QUOTED_IDENTIFIER
  | bareLabelKeyword
  ;

nonReservedKeyword
  : bareLabelKeyword
  | ESCAPE
  | FILTER
  | OVER
  | PRECISION
  | VARYING
  | WITHOUT
  ;

bareLabelKeyword
  : ABORT
  | ACTION
  | ALTER
  | ANALYZE
  | ATTACH
  | AUTOINCREMENT
  | BEGIN
  | CASCADE
  | CHARACTER
  | COMMIT
  | CURRENT
  | DATE
  | DAY
  | DEALLOCATE
  | DEFERRABLE
  | DEFERRED
  | DELETE
  | DETACH
  | DISTRIBUTE
  | DOUBLE
  | DROP
  | EXCLUDE
  | EXCLUSIVE
  | EXECUTE
  | EXPLAIN
  | EXTRACT
  | FAIL
  | FIRST
  | FOLLOWING
  | GROUPS
  | HASH
  | IF
  | IGNORE
  | IMMEDIATE
  | INDEX
  | INITIALLY
  | INSERT
  | KEY
  | LAST
  | LOCAL
  | NEXT
  | NO
  | NULLS
  | OFF
  | ONLY
  | OTHERS
  | OVERLAY
  | PARTITION
  | POSITION
  | PRAGMA
  | PRECEDING
  | PREPARE
  | RANGE
  | RECURSIVE
  | REFERENCE
  | REINDEX
  | REPLACE
  | RESET
  | RESTRICT
  | ROLLBACK
  | ROW
  | ROWS
  | SESSION
  | SHOW
  | START
  | SUBSTRING
  | TEMP
  | TEMPORARY
  | TIES
  | TIME
  | TIMESTAMP
  | TRANSACTION
  | TRIGGER
  | TRIM
  | TRUNCATE
  | UNBOUNDED
  | UNKNOWN
  | UPDATE
  | VACUUM
  | VIEW
  | WORK
  | ZONE
  | HOUR
  | INTERVAL
  | MINUTE
  | MONTH
  | SECOND
  | YEAR
  ;

reservedKeyword
  : ALL
  | AND
  | ANY
  | AS
  | ASC
  | BETWEEN
  | BOTH
  | BY
  | CASE
  | CAST
  | CHECK
  | COLLATE
  | CONSTRAINT
  | CREATE
  | CROSS
  | CURRENT_DATE
  | CURRENT_TIME
  | CURRENT_TIMESTAMP
  | DEFAULT
  | DESC
  | DISTINCT
  | ELSE
  | END
  | EXCEPT
  | EXISTS
  | FALSE_
  | FETCH
  | FOR
  | FOREIGN
  | FROM
  | FULL
  | GROUP
  | HAVING
  | ILIKE
  | IN
  | INDEXED
  | INNER
  | INTERSECT
  | INTO
  | IS
  | ISNULL
  | JOIN
  | LEADING
  | LEFT
  | LIKE
  | LIMIT
  | LOCALTIME
  | LOCALTIMESTAMP
  | NATURAL
  | NOT
  | NOTNULL
  | NULL_
  | OFFSET
  | ON
  | OR
  | ORDER
  | OUTER
  | PLACING
  | PRIMARY
  | REFERENCES
  | RIGHT
  | SELECT
  | SET
  | SOME
  | TABLE
  | THEN
  | TO
  | TRAILING
  | TRUE_
  | UNION
  | UNIQUE
  | USING
  | VALUES
  | WHEN
  | WHERE
  | WINDOW
  | WITH
  ;
