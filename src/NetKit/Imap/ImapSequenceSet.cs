using System.Globalization;
using System.Text;

namespace NetKit.Imap;

/// <summary>
/// A sequence set (RFC 3501 section 9: "1,3:5,7:*"): ranges of message numbers or UIDs where
/// '*' is the largest in use. Kept as ranges and tested by membership, so "1:4294967295" costs
/// no more than "1".
/// </summary>
public sealed class ImapSequenceSet
{
    /// <summary>'*' in a range, until it is resolved against a mailbox.</summary>
    public const uint Star = 0;

    private readonly (uint First, uint Last)[] ranges;

    public ImapSequenceSet(IEnumerable<(uint First, uint Last)> ranges)
    {
        this.ranges = [.. ranges];
        if (this.ranges.Length == 0)
        {
            throw new ArgumentException("a sequence set has at least one range", nameof(ranges));
        }
    }

    public IReadOnlyList<(uint First, uint Last)> Ranges => ranges;

    /// <summary>True when <paramref name="value"/> is in the set, '*' standing for <paramref name="largest"/>.</summary>
    public bool Contains(uint value, uint largest)
    {
        foreach (var (first, last) in ranges)
        {
            var a = first == Star ? largest : first;
            var b = last == Star ? largest : last;
            if (a > b)
            {
                (a, b) = (b, a);
            }

            if (value >= a && value <= b)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses "1,3:5,*" ; a <see cref="ImapParseException"/> for 0, an empty piece or a number over 2^32-1.</summary>
    public static ImapSequenceSet Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var list = new List<(uint, uint)>();
        foreach (var piece in text.Split(','))
        {
            var colon = piece.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                var n = Number(piece);
                list.Add((n, n));
            }
            else
            {
                list.Add((Number(piece[..colon]), Number(piece[(colon + 1)..])));
            }
        }

        return new ImapSequenceSet(list);
    }

    /// <summary>Compact text for a list of numbers: 1,2,3,7 → "1:3,7" (COPYUID, APPENDUID, SEARCH helpers).</summary>
    public static string Format(IEnumerable<uint> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sb = new StringBuilder();
        uint? start = null;
        uint previous = 0;
        foreach (var v in values)
        {
            if (start is not null && v == previous + 1)
            {
                previous = v;
                continue;
            }

            Flush();
            start = previous = v;
        }

        Flush();
        return sb.ToString();

        void Flush()
        {
            if (start is null)
            {
                return;
            }

            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(start.Value.ToString(CultureInfo.InvariantCulture));
            if (previous != start.Value)
            {
                sb.Append(':').Append(previous.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    public override string ToString() => string.Join(',', ranges.Select(r => r.First == r.Last ? Show(r.First) : $"{Show(r.First)}:{Show(r.Last)}"));

    private static string Show(uint n) => n == Star ? "*" : n.ToString(CultureInfo.InvariantCulture);

    private static uint Number(string text)
    {
        if (text == "*")
        {
            return Star;
        }

        if (text.Length is 0 or > 10 || !text.All(char.IsAsciiDigit) || text[0] == '0'
            || !uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            throw new ImapParseException($"invalid sequence set number \"{text}\" (1 to 4294967295 or *)");
        }

        return n;
    }
}
