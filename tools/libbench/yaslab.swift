import Foundation
import CSV

func yaslabCount(_ path: String) throws -> (Int, Int) {
    let stream = InputStream(fileAtPath: path)!
    let reader = try CSVReader(stream: stream)
    var records = 0, fields = 0
    while let row = reader.next() { records += 1; fields += row.count }
    if let e = reader.error { print("CSV.swift ended with error \(e) after \(records) records") }
    return (records, fields)
}
