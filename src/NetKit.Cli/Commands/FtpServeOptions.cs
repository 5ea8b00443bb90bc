using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using NetKit.Ftp.Server;

namespace NetKit.Cli.Commands;

/// <summary>The options of `netkit serve` that shape its FTP service.</summary>
internal sealed class FtpServeOptions
{
    private readonly Option<string?> _root = new("--ftp-root") { Description = "FTP: the folder holding one folder per user (and pub for anonymous access). Default: DATA/ftp." };

    private readonly Option<bool> _anonymous = new("--ftp-anonymous") { Description = "FTP: let \"anonymous\" read ROOT/pub (read-only)." };

    private readonly Option<string?> _passivePorts = new("--ftp-passive-ports") { Description = "FTP: the port range A-B for passive data connections (default: any free port)." };

    private readonly Option<string?> _publicAddress = new("--ftp-public-address") { Description = "FTP: the IPv4 address PASV announces (a NAT's public address)." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _root, _anonymous, _passivePorts, _publicAddress })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The FTP settings as given; a <see cref="UsageException"/> for values that make no sense.</summary>
    public Settings Read(ParseResult parse)
    {
        int min = 0, max = 0;
        if (parse.GetValue(_passivePorts) is { } range)
        {
            var parts = range.Split('-');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out min)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out max) || min < 1024 || max > 65535 || min > max)
            {
                throw new UsageException($"--ftp-passive-ports takes a range A-B of ports from 1024 to 65535, not \"{range}\"");
            }
        }

        IPAddress? publicAddress = null;
        if (parse.GetValue(_publicAddress) is { } text
            && (!IPAddress.TryParse(text, out publicAddress) || publicAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork))
        {
            throw new UsageException($"--ftp-public-address takes an IPv4 address, not \"{text}\"");
        }

        return new Settings(parse.GetValue(_root), parse.GetValue(_anonymous), min, max, publicAddress);
    }

    /// <summary>What was given, until the data directory and the certificate are known.</summary>
    internal sealed record Settings(string? Root, bool Anonymous, int PassivePortMin, int PassivePortMax, IPAddress? PublicAddress)
    {
        public FtpServerOptions For(string dataDirectory, X509Certificate2? certificate) => new()
        {
            Root = Path.GetFullPath(Root ?? Path.Combine(dataDirectory, "ftp")),
            AllowAnonymous = Anonymous,
            PassivePortMin = PassivePortMin,
            PassivePortMax = PassivePortMax,
            PublicAddress = PublicAddress,
            Certificate = certificate,
        };
    }
}
