using System.Buffers.Binary;
using System.Security.Cryptography;

namespace NetKit.Tests.Http;

/// <summary>
/// The bytes of /blob/SIZE, the same in both test servers (tests/interop/http_server.py
/// has the twin): 1 MiB blocks of a version's pattern, each with its number in its
/// first 8 bytes, so a lost, doubled or misplaced block changes the hash.
/// </summary>
public static class BlobPattern
{
    public const int BlockSize = 1 << 20;

    public static byte[] Base(int version)
    {
        var block = new byte[BlockSize];
        for (var i = 0; i < BlockSize; i++)
        {
            block[i] = (byte)(((long)i * 7 + version * 13) % 251);
        }

        return block;
    }

    /// <summary>Block <paramref name="index"/> written into <paramref name="block"/> (a copy of <see cref="Base"/>).</summary>
    public static void Stamp(byte[] block, long index) => BinaryPrimitives.WriteInt64LittleEndian(block, index);

    public static string ETag(int version, long size) => $"\"v{version}-{size}\"";

    /// <summary>The SHA-256 of the whole blob, computed block by block (never the whole blob in memory).</summary>
    public static string Sha256(int version, long size)
    {
        var block = Base(version);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (long position = 0, index = 0; position < size; position += BlockSize, index++)
        {
            Stamp(block, index);
            hash.AppendData(block, 0, (int)Math.Min(BlockSize, size - position));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static string Sha256OfFile(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }
}
