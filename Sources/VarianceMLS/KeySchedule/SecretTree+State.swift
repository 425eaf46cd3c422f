/// Serialization of a secret tree's remaining secrets, for ``Group`` state.
extension SecretTree {
    func encodeState(to writer: inout TLSWriter) {
        writer.write(leafCount)
        writer.writeVector { inner in
            for node in nodeSecrets.keys.sorted() {
                inner.write(node)
                inner.writeOpaque(nodeSecrets[node] ?? [])
            }
        }
        writer.writeVector { inner in
            for leaf in ratchets.keys.sorted() {
                guard let pair = ratchets[leaf] else { continue }
                inner.write(leaf)
                pair.handshake.encodeState(to: &inner)
                pair.application.encodeState(to: &inner)
            }
        }
    }

    init(stateFrom reader: inout TLSReader, suite: CipherSuite) throws {
        self.suite = suite
        leafCount = try reader.readUInt32()
        guard leafCount > 0, leafCount <= RatchetTree.maximumLeafCount, leafCount & (leafCount - 1) == 0 else {
            throw MLSError.malformed("secret tree size")
        }
        let width = TreeMath.nodeWidth(leafCount: leafCount)
        nodeSecrets = try reader.readVector { child in
            var secrets: [UInt32: [UInt8]] = [:]
            while !child.isAtEnd {
                let node = try child.readUInt32()
                guard node < width else { throw MLSError.malformed("secret tree node index") }
                secrets[node] = try child.readOpaque()
            }
            return secrets
        }
        ratchets = try reader.readVector { child in
            var ratchets: [UInt32: LeafRatchets] = [:]
            while !child.isAtEnd {
                let leaf = try child.readUInt32()
                guard leaf < leafCount else { throw MLSError.malformed("secret tree leaf index") }
                ratchets[leaf] = LeafRatchets(
                    handshake: try HashRatchet(stateFrom: &child), application: try HashRatchet(stateFrom: &child))
            }
            return ratchets
        }
    }
}

extension HashRatchet {
    func encodeState(to writer: inout TLSWriter) {
        writer.writeOpaque(secret)
        writer.write(generation)
        writer.writeVector { inner in
            for generation in skipped.keys.sorted() {
                guard let key = skipped[generation] else { continue }
                inner.write(generation)
                inner.writeOpaque(key.key)
                inner.writeOpaque(key.nonce)
            }
        }
    }

    init(stateFrom reader: inout TLSReader) throws {
        secret = try reader.readOpaque()
        generation = try reader.readUInt32()
        skipped = try reader.readVector { child in
            var keys: [UInt32: RatchetKey] = [:]
            while !child.isAtEnd {
                let generation = try child.readUInt32()
                keys[generation] = RatchetKey(
                    generation: generation, key: try child.readOpaque(), nonce: try child.readOpaque())
            }
            return keys
        }
        guard skipped.count <= SecretTree.maximumSkippedKeys else { throw MLSError.malformed("too many skipped keys") }
    }
}
