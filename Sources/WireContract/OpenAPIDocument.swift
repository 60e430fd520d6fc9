import Foundation

/// The API's OpenAPI 3.1 document, read from the package resources `schema/openapi.yaml`
/// and `schema/openapi.json`.
///
/// The YAML is the one hand-written contract; the JSON is the same document converted by
/// `scripts/embed-resources` (the package has no YAML reader, and converting once at
/// build time keeps a YAML parser out of the server). Both are read from the files
/// SwiftPM bundles, so no Swift copy of the document exists to drift.
public struct OpenAPIDocument: Sendable {
    /// `schema/openapi.yaml`, byte for byte.
    public let yaml: [UInt8]
    /// `schema/openapi.json`, byte for byte.
    public let json: [UInt8]

    /// A resource file the package should have bundled is missing: a packaging fault,
    /// reported at startup rather than on the first request for the document.
    public struct MissingResource: Error, CustomStringConvertible {
        /// The missing file's name, e.g. `openapi.yaml`.
        public let name: String
        public var description: String { "the package resource \(name) is missing from the bundle" }
    }

    /// Reads both forms from the bundle.
    public static func load() throws -> OpenAPIDocument {
        OpenAPIDocument(yaml: try resource(withExtension: "yaml"), json: try resource(withExtension: "json"))
    }

    /// The document as the server serves it, read once on first use.
    public static let bundled: Result<OpenAPIDocument, any Error> = Result { try load() }

    private static func resource(withExtension fileExtension: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: fileExtension) else {
            throw MissingResource(name: "openapi.\(fileExtension)")
        }
        return Array(try Data(contentsOf: url))
    }
}
