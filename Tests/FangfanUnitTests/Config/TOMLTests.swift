import FangfanTestSupport
import XCTest

@testable import FangfanCore

final class TOMLTests: XCTestCase {
    // MARK: Helpers

    private func parse(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> TOMLTable {
        do {
            return try TOML.parse(text)
        } catch {
            XCTFail("unexpected error: \(error)", file: file, line: line)
            return TOMLTable()
        }
    }

    private func table(_ value: TOMLValue?, file: StaticString = #filePath, line: UInt = #line) -> TOMLTable {
        guard case .table(let t)? = value else {
            XCTFail("expected a table, got \(String(describing: value))", file: file, line: line)
            return TOMLTable()
        }
        return t
    }

    private func array(_ value: TOMLValue?, file: StaticString = #filePath, line: UInt = #line) -> [TOMLValue] {
        guard case .array(let a)? = value else {
            XCTFail("expected an array, got \(String(describing: value))", file: file, line: line)
            return []
        }
        return a
    }

    private func assertError(
        _ text: String, line: Int, column: Int, _ fragment: String,
        file: StaticString = #filePath, sourceLine: UInt = #line
    ) {
        do {
            let result = try TOML.parse(text)
            XCTFail("expected an error, parsed \(result)", file: file, line: sourceLine)
        } catch let error as TOMLError {
            XCTAssertEqual(error.line, line, "line of: \(error)", file: file, line: sourceLine)
            XCTAssertEqual(error.column, column, "column of: \(error)", file: file, line: sourceLine)
            XCTAssertTrue(
                error.message.contains(fragment), "message '\(error.message)' lacks '\(fragment)'",
                file: file, line: sourceLine)
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: sourceLine)
        }
    }

    // MARK: Basics

    func testEmptyDocumentCommentsAndBlankLines() {
        XCTAssertEqual(parse("").entries.count, 0)
        let t = parse(
            """
            # a comment

               # indented comment
            a = 1 # trailing comment
            b = "# not a comment"   

            """)
        XCTAssertEqual(t.keys, ["a", "b"])
        XCTAssertEqual(t["a"], .integer(1))
        XCTAssertEqual(t["b"], .string("# not a comment"))
        XCTAssertNil(t["missing"])
        XCTAssertNil(t.line(of: "missing"))
    }

    func testBareQuotedAndDottedKeys() {
        let t = parse(
            """
            bare_key-1 = 1
            1234 = 2
            "quoted key" = 3
            'literal "key"' = 4
            "户编号" = "x"
            "" = 5
            "esc\\u0041" = 6
            a.b.c = 7
            a . b . d = 8
            site."google.com" = true
            """)
        XCTAssertEqual(t.keys, ["bare_key-1", "1234", "quoted key", "literal \"key\"", "户编号", "", "escA", "a", "site"])
        XCTAssertEqual(t["户编号"], .string("x"))
        XCTAssertEqual(t[""], .integer(5))
        let b = table(table(t["a"])["b"])
        XCTAssertEqual(b.keys, ["c", "d"])
        XCTAssertEqual(b["c"], .integer(7))
        XCTAssertEqual(b["d"], .integer(8))
        XCTAssertEqual(table(t["site"])["google.com"], .bool(true))
    }

    func testTablesAndImplicitSuperTables() {
        let t = parse(
            """
            top = 0
            [server]
            host = "a"
            [server.limits]
            max = 10
            [x.y.z]
            w = 1
            [x]
            v = 2
            [ "quoted table" . 'sub' ]
            k = 3
            """)
        XCTAssertEqual(t.keys, ["top", "server", "x", "quoted table"])
        let server = table(t["server"])
        XCTAssertEqual(server.keys, ["host", "limits"])
        XCTAssertEqual(table(server["limits"])["max"], .integer(10))
        let x = table(t["x"])
        XCTAssertEqual(x.keys, ["y", "v"])
        XCTAssertEqual(table(table(x["y"])["z"])["w"], .integer(1))
        XCTAssertEqual(table(table(t["quoted table"])["sub"])["k"], .integer(3))
    }

    func testDottedKeysCanBeExtendedBySubTableHeaders() {
        let t = parse(
            """
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]
            smooth = true
            """)
        let apple = table(table(t["fruit"])["apple"])
        XCTAssertEqual(apple.keys, ["color", "taste", "texture"])
        XCTAssertEqual(table(apple["texture"])["smooth"], .bool(true))
    }

    func testArraysOfTables() {
        let t = parse(
            """
            [[feeds.medical.fields]]
            name = "a"
            [feeds.medical.fields.map]
            x = 1

            [[feeds.medical.fields]]
            name = "b"

            [[feeds.medical.fields]]
            [[feeds.medical.fields.sub]]
            n = 1
            [[feeds.medical.fields.sub]]
            n = 2
            """)
        let fields = array(table(table(t["feeds"])["medical"])["fields"])
        XCTAssertEqual(fields.count, 3)
        XCTAssertEqual(table(fields[0])["name"], .string("a"))
        XCTAssertEqual(table(table(fields[0])["map"])["x"], .integer(1))
        XCTAssertEqual(table(fields[1]).keys, ["name"])
        XCTAssertEqual(table(fields[1])["name"], .string("b"))
        let sub = array(table(fields[2])["sub"])
        XCTAssertEqual(sub, [.table(TOMLTable(entries: [("n", .integer(1), 0)])), .table(TOMLTable(entries: [("n", .integer(2), 0)]))])
    }

    func testInlineTables() {
        let t = parse(
            """
            point = { x = 1, y = -2 }
            empty = {}
            nested = { a = { b = "c" }, d.e = true, "户" = 'v' }
            """)
        XCTAssertEqual(table(t["point"]).keys, ["x", "y"])
        XCTAssertEqual(table(t["point"])["y"], .integer(-2))
        XCTAssertEqual(table(t["empty"]).entries.count, 0)
        let nested = table(t["nested"])
        XCTAssertEqual(nested.keys, ["a", "d", "户"])
        XCTAssertEqual(table(nested["a"])["b"], .string("c"))
        XCTAssertEqual(table(nested["d"])["e"], .bool(true))
        XCTAssertEqual(nested["户"], .string("v"))
    }

    func testArrays() {
        let t = parse(
            """
            ints = [1, 2, 3]
            empty = []
            mixed = [1, "x", 0.5, true]
            nested = [[1, 2], ["a"]]
            multi = [
              "a",   # first
              "b",
              # a comment line

              "c",   # trailing comma follows
            ]
            points = [ { x = 1 }, { x = 2 } ]
            tight = [1,2,]
            """)
        XCTAssertEqual(t["ints"], .array([.integer(1), .integer(2), .integer(3)]))
        XCTAssertEqual(t["empty"], .array([]))
        XCTAssertEqual(t["mixed"], .array([.integer(1), .string("x"), .decimal("0.5"), .bool(true)]))
        XCTAssertEqual(t["nested"], .array([.array([.integer(1), .integer(2)]), .array([.string("a")])]))
        XCTAssertEqual(t["multi"], .array([.string("a"), .string("b"), .string("c")]))
        XCTAssertEqual(array(t["points"]).map { table($0)["x"] }, [.integer(1), .integer(2)])
        XCTAssertEqual(t["tight"], .array([.integer(1), .integer(2)]))
        XCTAssertEqual(t.line(of: "multi"), 5)
        XCTAssertEqual(t.line(of: "points"), 12)
        XCTAssertEqual(t.line(of: "tight"), 13)
    }

    // MARK: Strings

    func testBasicStringEscapes() {
        let t = parse(
            #"""
            s = "quote \" backslash \\ nl \n tab \t cr \r bs \b ff \f"
            u = "\u00e9\u6237 \U0001F600"
            lit = 'C:\path\no\escape'
            """#)
        XCTAssertEqual(t["s"], .string("quote \" backslash \\ nl \n tab \t cr \r bs \u{08} ff \u{0C}"))
        XCTAssertEqual(t["u"], .string("é户 😀"))
        XCTAssertEqual(t["lit"], .string(#"C:\path\no\escape"#))
    }

    func testMultilineStrings() {
        let t = parse(
            #"""
            a = """
            Roses are red
            Violets are "blue\""""
            b = """one \
                   two \
                   three"""
            c = '''
            raw \n text
              kept '' '''
            d = """""quoted"""""
            e = ''''x'''''
            f = """"""
            after = 1
            """#)
        XCTAssertEqual(t["a"], .string("Roses are red\nViolets are \"blue\""))
        XCTAssertEqual(t["b"], .string("one two three"))
        XCTAssertEqual(t["c"], .string("raw \\n text\n  kept '' "))
        XCTAssertEqual(t["d"], .string("\"\"quoted\"\""))
        XCTAssertEqual(t["e"], .string("'x''"))
        XCTAssertEqual(t["f"], .string(""))
        XCTAssertEqual(t.line(of: "after"), 13)
    }

    func testCRLFLineEndings() {
        let t = parse("a = 1\r\nb = \"\"\"\r\nx\r\ny\"\"\"\r\n[t]\r\nc = [\r\n 1,\r\n]\r\n")
        XCTAssertEqual(t["a"], .integer(1))
        XCTAssertEqual(t["b"], .string("x\ny"))
        XCTAssertEqual(table(t["t"])["c"], .array([.integer(1)]))
        XCTAssertEqual(t.line(of: "t"), 5)
    }

    // MARK: Numbers and booleans

    func testIntegers() {
        let t = parse(
            """
            a = 42
            b = +99
            c = -17
            d = 0
            e = 1_000_000
            f = 0xDEAD_beef
            g = 0o755
            h = 0b1101
            max = 9223372036854775807
            min = -9223372036854775808
            """)
        XCTAssertEqual(t["a"], .integer(42))
        XCTAssertEqual(t["b"], .integer(99))
        XCTAssertEqual(t["c"], .integer(-17))
        XCTAssertEqual(t["d"], .integer(0))
        XCTAssertEqual(t["e"], .integer(1_000_000))
        XCTAssertEqual(t["f"], .integer(0xDEAD_BEEF))
        XCTAssertEqual(t["g"], .integer(0o755))
        XCTAssertEqual(t["h"], .integer(13))
        XCTAssertEqual(t["max"], .integer(Int64.max))
        XCTAssertEqual(t["min"], .integer(Int64.min))
    }

    func testDecimalsKeepExactText() {
        let t = parse(
            """
            a = 0.5
            b = 1.2
            c = -3.25e2
            d = 0.10
            e = 1_000.000_1
            f = 5e+22
            g = 6.626E-34
            h = +1.5
            i = 0.1000000000000000055511151231257827
            j = -0.0
            k = 1e07
            """)
        XCTAssertEqual(t["a"], .decimal("0.5"))
        XCTAssertEqual(t["b"], .decimal("1.2"))
        XCTAssertEqual(t["c"], .decimal("-3.25e2"))
        XCTAssertEqual(t["d"], .decimal("0.10"))
        XCTAssertEqual(t["e"], .decimal("1000.0001"))
        XCTAssertEqual(t["f"], .decimal("5e+22"))
        XCTAssertEqual(t["g"], .decimal("6.626E-34"))
        XCTAssertEqual(t["h"], .decimal("+1.5"))
        XCTAssertEqual(t["i"], .decimal("0.1000000000000000055511151231257827"))
        XCTAssertEqual(t["j"], .decimal("-0.0"))
        XCTAssertEqual(t["k"], .decimal("1e07"))
    }

    func testBooleans() {
        let t = parse("yes = true\nno = false\nlist = [true,false]")
        XCTAssertEqual(t["yes"], .bool(true))
        XCTAssertEqual(t["no"], .bool(false))
        XCTAssertEqual(t["list"], .array([.bool(true), .bool(false)]))
    }

    // MARK: Order and line numbers

    func testInsertionOrderIsPreserved() {
        let t = parse(
            """
            zeta = 1
            alpha = 2
            mid = 3
            [tbl]
            z = 1
            y = 2
            x = 3
            [aaa]
            """)
        XCTAssertEqual(t.keys, ["zeta", "alpha", "mid", "tbl", "aaa"])
        XCTAssertEqual(table(t["tbl"]).keys, ["z", "y", "x"])
        XCTAssertEqual(t.entries.map(\.key), t.keys)
    }

    func testLineNumbersOfKeys() {
        let t = parse(
            """
            # header comment
            name = "x"

            list = [
              1,
              2,
            ]
            after = true
            [section]
            inner = 1
            dotted.key = 2
            [[items]]
            id = 1
            [[items]]
            id = 2
            [a.b]
            [a]
            """)
        XCTAssertEqual(t.line(of: "name"), 2)
        XCTAssertEqual(t.line(of: "list"), 4)
        XCTAssertEqual(t.line(of: "after"), 8)
        XCTAssertEqual(t.line(of: "section"), 9)
        let section = table(t["section"])
        XCTAssertEqual(section.line(of: "inner"), 10)
        XCTAssertEqual(section.line(of: "dotted"), 11)
        XCTAssertEqual(table(section["dotted"]).line(of: "key"), 11)
        XCTAssertEqual(t.line(of: "items"), 12)  // first [[items]]
        let items = array(t["items"])
        XCTAssertEqual(table(items[0]).line(of: "id"), 13)
        XCTAssertEqual(table(items[1]).line(of: "id"), 15)
        XCTAssertEqual(t.line(of: "a"), 17)  // explicit [a] header, not the implicit creation on line 16
        XCTAssertEqual(table(t["a"]).line(of: "b"), 16)
    }

    func testEntriesExposeLines() {
        let t = parse("a = 1\n\nb = 2")
        XCTAssertEqual(t.entries.map(\.line), [1, 3])
        XCTAssertEqual(t.entries.map(\.value), [.integer(1), .integer(2)])
    }

    // MARK: Errors

    func testDuplicateKeys() {
        assertError("a = 1\nb = 2\na = 3", line: 3, column: 1, "duplicate key 'a' (first defined on line 1)")
        assertError("x.y = 1\n  x.y = 2", line: 2, column: 5, "duplicate key 'x.y'")
        assertError("[t]\nk = 1\n\"k\" = 2", line: 3, column: 1, "duplicate key 't.k'")
        assertError("p = { a = 1, a = 2 }", line: 1, column: 14, "duplicate key 'a'")
        assertError("a = 1\na.b = 2", line: 2, column: 1, "key 'a' is already an integer value")
    }

    func testRedefinedTables() {
        assertError("[a]\nx = 1\n[b]\n[a]", line: 4, column: 2, "table [a] is defined more than once (first definition on line 1)")
        assertError("[a.b]\n[a . b]", line: 2, column: 6, "table [a.b] is defined more than once")
        assertError("[fruit]\napple.color = 'red'\n[fruit.apple]", line: 3, column: 8, "already defined with dotted keys")
        assertError("[a.b.c]\nz = 9\n[a]\nb.c.t = 1", line: 4, column: 1, "cannot add to table 'a.b' with dotted keys")
        assertError("[[arr]]\n[arr]", line: 2, column: 2, "'arr' is already an array of tables")
        assertError("[tbl]\n[[tbl]]", line: 2, column: 3, "'tbl' is already a table")
        assertError("arr = [1]\n[[arr]]", line: 2, column: 3, "cannot append to static array 'arr'")
        assertError("t = { a = 1 }\n[t]", line: 2, column: 2, "already an inline table value")
        assertError("t = { a = 1 }\n[t.sub]", line: 2, column: 2, "key 't' is already an inline table value")
        assertError("t = { a = 1 }\nt.b = 2", line: 2, column: 1, "key 't' is already an inline table value")
        assertError("[[a.b]]\n[a]\nb.c = 1", line: 3, column: 1, "cannot add to array of tables 'a.b' with dotted keys")
        assertError("a = 1\n[[a]]", line: 2, column: 3, "key 'a' is already an integer value (line 1)")
        assertError("a = 1\n[a.b]", line: 2, column: 2, "key 'a' is already an integer value (line 1)")
    }

    func testBadKeysAndStructure() {
        assertError("= 1", line: 1, column: 1, "expected a key, found '='")
        assertError("key\nnext = 1", line: 1, column: 4, "expected '=' after key 'key', found end of line")
        assertError("a b = 1", line: 1, column: 3, "expected '=' after key 'a', found 'b'")
        assertError("户编号 = 1", line: 1, column: 1, "keys with non-ASCII characters must be quoted")
        assertError("a = 1 b = 2", line: 1, column: 7, "expected end of line after value, found 'b'")
        assertError("a =\nb = 1", line: 1, column: 4, "expected a value, found end of line")
        assertError("a = ", line: 1, column: 5, "expected a value, found end of input")
        assertError("a = hello", line: 1, column: 5, "invalid value 'hello': strings must be quoted")
        assertError("a = True", line: 1, column: 5, "invalid value 'True'")
        assertError("[a\nb = 1", line: 1, column: 3, "expected ']' to close table header")
        assertError("[]", line: 1, column: 2, "expected a key, found ']'")
        assertError("[[a] ]", line: 1, column: 5, "expected ']]' to close array-of-tables header")
        assertError("[a] x = 1", line: 1, column: 5, "expected end of line after table header [a]")
        assertError("a.\"\"\"b\"\"\" = 1", line: 1, column: 3, "multi-line strings cannot be used as keys")
        assertError("a = 1\rb = 2", line: 1, column: 6, "carriage return must be followed by a line feed")
    }

    func testBadStrings() {
        assertError("a = \"open\nb = 1", line: 1, column: 5, "unterminated string")
        assertError("a = 'open", line: 1, column: 5, "unterminated string")
        assertError("x = 1\na = \"\"\"open\n\nmore", line: 2, column: 5, "unterminated multi-line string")
        assertError("a = \"bad \\q escape\"", line: 1, column: 10, "invalid escape sequence '\\q'")
        assertError("a = \"\\u12\"", line: 1, column: 6, "needs exactly 4 hexadecimal digits")
        assertError("a = \"\\uD800\"", line: 1, column: 6, "not a valid Unicode scalar value")
        assertError("a = \"\\U00110000\"", line: 1, column: 6, "not a valid Unicode scalar value")
        assertError("a = \"x\u{01}\"", line: 1, column: 7, "must be escaped")
        assertError("a = \"\"\"x\"\"\"\"\"\"", line: 1, column: 9, "too many quotes")
    }

    func testBadNumbersDatesAndSpecialFloats() {
        assertError("a = 012", line: 1, column: 5, "leading zeros are not allowed")
        assertError("a = 1__0", line: 1, column: 5, "'_' must be between digits")
        assertError("a = 1_", line: 1, column: 5, "'_' must be between digits")
        assertError("a = 1.", line: 1, column: 5, "expected digits after the decimal point")
        assertError("a = .5", line: 1, column: 5, "expected digits before the decimal point")
        assertError("a = 1e", line: 1, column: 5, "expected digits in the exponent")
        assertError("a = -", line: 1, column: 5, "invalid number '-': expected digits")
        assertError("a = 1.5x", line: 1, column: 5, "unexpected 'x'")
        assertError("a = 0xG1", line: 1, column: 5, "'G' is not a valid base-16 digit")
        assertError("a = 9223372036854775808", line: 1, column: 5, "out of range for a 64-bit integer")
        assertError("a = 0x1_0000_0000_0000_0000", line: 1, column: 5, "out of range")
        assertError("d = 1979-05-27", line: 1, column: 5, "dates and times are not supported")
        assertError("d = 1979-05-27T07:32:00Z", line: 1, column: 5, "dates and times are not supported")
        assertError("t = 07:32:00", line: 1, column: 5, "dates and times are not supported")
        assertError("x = inf", line: 1, column: 5, "'inf' is not supported")
        assertError("x = -nan", line: 1, column: 5, "'-nan' is not supported")
    }

    func testBadArraysAndInlineTables() {
        assertError("a = [1, 2", line: 1, column: 10, "unterminated array (opened at line 1, column 5)")
        assertError("a = [1 2]", line: 1, column: 8, "expected ',' or ']' after array element, found '2'")
        assertError("a = [1,,2]", line: 1, column: 8, "expected a value, found ','")
        assertError("a = [\n  1,\n  oops,\n]", line: 3, column: 3, "invalid value 'oops'")
        assertError("t = { a = 1,\n b = 2 }", line: 1, column: 13, "newlines are not allowed inside inline tables")
        assertError("t = { a = 1, }", line: 1, column: 14, "trailing comma is not allowed in an inline table")
        assertError("t = { a = 1 b = 2 }", line: 1, column: 13, "expected ',' or '}' in inline table, found 'b'")
        assertError("t = { a = 1", line: 1, column: 12, "unterminated inline table")
    }

    func testErrorDescription() {
        let e = TOMLError(line: 3, column: 7, message: "duplicate key 'a'")
        XCTAssertEqual(e.description, "TOML error at line 3, column 7: duplicate key 'a'")
    }

    func testColumnsCountUnicodeScalars() {
        assertError("\"户编号\" = 1 x", line: 1, column: 11, "expected end of line after value, found 'x'")
    }

    // MARK: Realistic config

    func testRealisticPipelineConfig() {
        let text = """
            # 防范 pipeline configuration
            [pipeline]
            name = "default"
            version = 2
            enabled = true
            batch_size = 10_000

            [rules.money]
            threshold = 5000.00        # 元
            ratio = 0.35
            tolerance = 1e-2

            [feeds.medical]
            source = 'inbox/medical/*.xml'
            encoding = "utf-8"
            tags = [
              "医保",   # medical insurance
              "住院",
            ]

            [[feeds.medical.fields]]
            "户编号" = "household_id"
            type = "string"
            required = true

            [[feeds.medical.fields]]
            "身份证号" = "id_number"
            type = "string"
            normalize = { upper = true, strip = ["-", " "] }

            [[feeds.medical.fields]]
            "报销金额" = "amount"
            type = "decimal"
            scale = 2

            [[feeds.civil]]
            name = "民政"
            fields = [ { "姓名" = "name" }, { "户编号" = "household_id" } ]
            """
        let t = parse(text)
        XCTAssertEqual(t.keys, ["pipeline", "rules", "feeds"])

        let pipeline = table(t["pipeline"])
        XCTAssertEqual(pipeline["batch_size"], .integer(10_000))
        XCTAssertEqual(pipeline.line(of: "enabled"), 5)

        let money = table(table(t["rules"])["money"])
        XCTAssertEqual(money["threshold"], .decimal("5000.00"))
        XCTAssertEqual(money["ratio"], .decimal("0.35"))
        XCTAssertEqual(money["tolerance"], .decimal("1e-2"))

        let feeds = table(t["feeds"])
        XCTAssertEqual(feeds.keys, ["medical", "civil"])
        let medical = table(feeds["medical"])
        XCTAssertEqual(medical.keys, ["source", "encoding", "tags", "fields"])
        XCTAssertEqual(medical["tags"], .array([.string("医保"), .string("住院")]))

        let fields = array(medical["fields"]).map { table($0) }
        XCTAssertEqual(fields.count, 3)
        XCTAssertEqual(fields.map { $0.keys.first }, ["户编号", "身份证号", "报销金额"])
        XCTAssertEqual(fields[0]["户编号"], .string("household_id"))
        XCTAssertEqual(fields[0].line(of: "户编号"), 22)
        XCTAssertEqual(fields[1].line(of: "normalize"), 29)
        XCTAssertEqual(table(fields[1]["normalize"])["strip"], .array([.string("-"), .string(" ")]))
        XCTAssertEqual(fields[2]["scale"], .integer(2))
        XCTAssertEqual(medical.line(of: "fields"), 21)

        let civil = array(feeds["civil"]).map { table($0) }
        XCTAssertEqual(civil.count, 1)
        XCTAssertEqual(civil[0]["name"], .string("民政"))
        XCTAssertEqual(array(civil[0]["fields"]).map { table($0).keys }, [["姓名"], ["户编号"]])
    }

    func testTableEqualityIgnoresLinesButNotOrder() {
        let a = parse("x = 1\ny = 2")
        let b = parse("\n\nx = 1\n\ny = 2")
        let c = parse("y = 2\nx = 1")
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
    }
}
