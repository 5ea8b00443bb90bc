using System.Text;

namespace NetKit.Smtp.Server;

/// <summary>A reply formatted once for the wire (bytes with CRLFs) and for the trace (lines).</summary>
internal sealed class SmtpWireReply
{
    public SmtpWireReply(SmtpReply reply)
    {
        Reply = reply;
        Lines = [.. reply.ToWireLines()];
        Bytes = Encoding.UTF8.GetBytes(string.Concat(Lines.Select(l => l + "\r\n")));
    }

    public SmtpWireReply(int code, string status, string text)
        : this(new SmtpReply(code, status, text))
    {
    }

    public SmtpReply Reply { get; }

    public int Code => Reply.Code;

    public string[] Lines { get; }

    public byte[] Bytes { get; }
}
