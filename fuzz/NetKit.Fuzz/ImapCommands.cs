using NetKit.Imap;
using static NetKit.Fuzz.Harness;

namespace NetKit.Fuzz;

/// <summary>
/// ImapSession's reading of commands: ImapCommandReader splits lines and literals, then
/// ImapParser takes tag, name and the arguments in the order the session asks for them
/// (the session's own dispatch needs a store; these are the same parser calls).
/// </summary>
internal static class ImapCommands
{
    public static void Run(byte[] input)
    {
        foreach (var command in ImapCommandsIn(input))
        {
            if (command.Lines[0].Length == 0)
            {
                continue;
            }

            try
            {
                Parse(new ImapParser(command, new ImapLimits()));
            }
            catch (ImapParseException)
            {
                // The session answers BAD and reads the next command: so does this target.
            }
        }
    }

    private static void Parse(ImapParser parser)
    {
        parser.Tag();
        parser.Space();
        var name = parser.Keyword();
        if (name == "UID")
        {
            parser.Space();
            name = parser.Keyword();
        }

        switch (name)
        {
            case "FETCH":
                parser.Space();
                parser.SequenceSet();
                parser.Space();
                ImapFetchParser.Parse(parser);
                break;
            case "SEARCH":
                parser.Space();
                var first = parser.Take(b => b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z'));
                if (first.Equals("CHARSET", StringComparison.OrdinalIgnoreCase))
                {
                    parser.Space();
                    parser.AString();
                    parser.Space();
                    ImapSearchParser.Parse(parser);
                }
                else
                {
                    ImapSearchParser.Parse(parser, first);
                }

                break;
            case "STORE":
                parser.Space();
                parser.SequenceSet();
                parser.Space();
                parser.Keyword();
                parser.Space();
                parser.FlagsOrList();
                break;
            case "COPY" or "MOVE":
                parser.Space();
                parser.SequenceSet();
                parser.Space();
                ImapUtf7.TryDecode(parser.AString(), out _);
                break;
            case "LIST" or "LSUB":
                parser.Space();
                parser.AString();
                parser.Space();
                parser.ListMailbox();
                break;
            case "APPEND":
                parser.Space();
                parser.AString();
                parser.Space();
                if (parser.PeekIs('('))
                {
                    parser.FlagList();
                    parser.Space();
                }

                if (parser.PeekIs('"'))
                {
                    parser.DateTime();
                    parser.Space();
                }

                parser.StringBytes();
                break;
            default:
                // LOGIN, SELECT, CREATE, RENAME, STATUS ...: astrings and lists of atoms.
                while (parser.TryTake(' '))
                {
                    if (parser.PeekIs('('))
                    {
                        parser.FlagList();
                    }
                    else
                    {
                        ImapUtf7.TryDecode(parser.AString(), out _);
                    }
                }

                break;
        }

        parser.End();
    }
}
