using System.Security.Cryptography;
using System.Text;

namespace NetKit.Sasl;

/// <summary>
/// CRAM-MD5 (RFC 2195): the answer to the server's timestamp challenge is
/// "user HMAC-MD5(password, challenge)" in lower-case hex.
/// </summary>
internal sealed class CramMd5Client(string userName, string password) : SaslClientMechanism
{
    public override string Name => "CRAM-MD5";

    public override bool SupportsInitialResponse => false;

    public override byte[] Respond(ReadOnlySpan<byte> challenge)
    {
        if (IsComplete)
        {
            throw UnexpectedChallenge();
        }

        if (challenge.IsEmpty)
        {
            throw new SaslException("CRAM-MD5: the server's challenge is empty");
        }

        IsComplete = true;
#pragma warning disable CA5351 // HMAC-MD5 is what RFC 2195 specifies; the server decides to offer it.
        var digest = HMACMD5.HashData(Encoding.UTF8.GetBytes(password), challenge);
#pragma warning restore CA5351
        return Encoding.UTF8.GetBytes($"{userName} {Convert.ToHexStringLower(digest)}");
    }
}
