using System.Security.Cryptography;

namespace NetKit.Tests.Ftp;

/// <summary>100 MiB each way, streamed on both sides, byte-exact by SHA-256.</summary>
public class FtpLargeTransferTests
{
    private const long Size = 100L * 1024 * 1024;

    [Fact]
    public async Task HundredMebibytes_roundTripByteExact_ourClientAndServer()
    {
        await using var server = await FtpTestServer.StartAsync(o => o with { TransferBufferSize = 256 * 1024 });
        using var local = FtpPeers.TempDirectory();
        var expected = await WriteRandomFileAsync(local["big.bin"]);
        await using var client = await server.ConnectAsync();

        await using (var source = File.OpenRead(local["big.bin"]))
        {
            Assert.Equal(Size, await client.UploadAsync("big.bin", source));
        }

        Assert.Equal(expected, FtpPeers.Sha256(Path.Combine(server.UserRoot, "big.bin")));
        await using var hashing = new HashingStream();
        Assert.Equal(Size, await client.DownloadAsync("big.bin", hashing));
        Assert.Equal(expected, hashing.Hex());
    }

    [Fact]
    public async Task HundredMebibytes_curlDownloadAndUpload_byteExact()
    {
        await using var server = await FtpTestServer.StartAsync();
        using var local = FtpPeers.TempDirectory();
        var expected = await WriteRandomFileAsync(local["big.bin"]);
        var url = $"ftp://{FtpTestServer.User}:{FtpTestServer.Password}@127.0.0.1:{server.Port}/";
        var up = await Support.ProcessRunner.RunAsync(FtpPeers.Curl, ["-sS", "--max-time", "60", "-T", local["big.bin"], url + "big.bin"]);
        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.Equal(expected, FtpPeers.Sha256(Path.Combine(server.UserRoot, "big.bin")));
        var down = await Support.ProcessRunner.RunAsync(FtpPeers.Curl, ["-sS", "--max-time", "60", "-o", local["back.bin"], url + "big.bin"]);
        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Equal(expected, FtpPeers.Sha256(local["back.bin"]));
    }

    private static async Task<string> WriteRandomFileAsync(string path)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = File.Create(path);
        var block = new byte[1024 * 1024];
        for (long written = 0; written < Size; written += block.Length)
        {
            RandomNumberGenerator.Fill(block);
            hash.AppendData(block);
            await file.WriteAsync(block);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>A write-only stream that keeps only a running SHA-256 (nothing is buffered whole).</summary>
    private sealed class HashingStream : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public string Hex() => Convert.ToHexStringLower(_hash.GetHashAndReset());

        public override void Write(byte[] buffer, int offset, int count) => _hash.AppendData(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _hash.AppendData(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
