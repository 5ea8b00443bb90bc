using System.Net;
using System.Net.Sockets;

namespace NetKit.Smtp;

/// <summary>The name a client gives in EHLO/HELO (RFC 5321 4.1.1.1: a domain, or an address literal).</summary>
internal static class SmtpClientName
{
    /// <summary>This machine's name when it is a valid domain, else the local address as a literal.</summary>
    public static string Default(EndPoint? local) =>
        IsDomain(Environment.MachineName) ? Environment.MachineName : Literal(local);

    /// <summary>"[127.0.0.1]" or "[IPv6:::1]" (RFC 5321 4.1.3).</summary>
    public static string Literal(EndPoint? local)
    {
        if (local is not IPEndPoint { Address: var address })
        {
            return "[127.0.0.1]";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[IPv6:{new IPAddress(address.GetAddressBytes())}]" // without a %scope
            : $"[{address}]";
    }

    /// <summary>Letters, digits and inner hyphens in dot-separated labels of 1–63 characters, 253 in all.</summary>
    public static bool IsDomain(string name)
    {
        if (name.Length is 0 or > 253)
        {
            return false;
        }

        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Refuses a configured name that is neither a domain nor an address literal (it would break the EHLO line).</summary>
    public static void Check(string name)
    {
        var literal = name.Length > 2 && name[0] == '[' && name[^1] == ']'
            && name.AsSpan(1, name.Length - 2).IndexOfAny(" []\r\n\t") < 0;
        if (!literal && !IsDomain(name))
        {
            throw new ArgumentException($"\"{name}\" is not a domain or an address literal such as [192.0.2.1]; EHLO needs one.", nameof(name));
        }
    }
}
