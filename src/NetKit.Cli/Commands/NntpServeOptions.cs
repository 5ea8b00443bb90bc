using System.CommandLine;
using NetKit.Nntp;
using NetKit.Nntp.Server;

namespace NetKit.Cli.Commands;

/// <summary>What `netkit serve` needs for NNTP: the server's options and the groups to create at start.</summary>
internal sealed record NntpServeSettings(NntpServerOptions Options, IReadOnlyList<string> Groups);

/// <summary>The options of `netkit serve` that shape its NNTP service.</summary>
internal sealed class NntpServeOptions
{
    private readonly Option<string[]> _groups = new("--newsgroup")
    {
        Description = "NNTP: create this newsgroup at start if it does not exist (repeatable; also `netkit news add-group`).",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<bool> _noPosting = new("--nntp-no-posting") { Description = "NNTP: read-only; POST and IHAVE are refused." };

    private readonly Option<bool> _requireAuth = new("--nntp-require-auth") { Description = "NNTP: reading and posting need AUTHINFO first (users from `netkit users`)." };

    private readonly Option<bool> _plaintextAuth = new("--nntp-allow-plaintext-auth") { Description = "NNTP: allow AUTHINFO without TLS, from loopback peers only." };

    private readonly Option<long> _maxArticleSize = new("--nntp-max-article-size")
    {
        Description = "NNTP: the biggest article accepted, in bytes.",
        DefaultValueFactory = _ => new NntpServerOptions().MaxArticleSize,
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _groups, _noPosting, _requireAuth, _plaintextAuth, _maxArticleSize })
        {
            command.Options.Add(option);
        }
    }

    public NntpServeSettings Read(ParseResult parse)
    {
        var groups = parse.GetValue(_groups) ?? [];
        if (groups.FirstOrDefault(g => !NewsStore.IsValidGroupName(g)) is { } bad)
        {
            throw new UsageException($"--newsgroup: \"{bad}\" is not a newsgroup name (letters, digits, + - _ between dots)");
        }

        var size = parse.GetValue(_maxArticleSize);
        if (size < 1)
        {
            throw new UsageException("--nntp-max-article-size must be at least 1");
        }

        return new NntpServeSettings(
            new NntpServerOptions
            {
                PostingAllowed = !parse.GetValue(_noPosting),
                RequireAuthentication = parse.GetValue(_requireAuth),
                AllowPlaintextAuth = parse.GetValue(_plaintextAuth),
                MaxArticleSize = size,
            },
            groups);
    }
}
