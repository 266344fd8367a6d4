using System;
using System.Buffers.Text;

namespace CowPages.Decoding;

/// <summary>
/// Parses the one line of <c>/proc/PID/stat</c> (<c>do_task_stat()</c> in <c>fs/proc/array.c</c>):
/// <c>pid (comm) state ppid ... starttime ...</c>. The command name may hold spaces and parentheses, so the fields
/// are counted from the last <c>)</c>. Bytes in, no allocation: a search for a process's children reads the stat of
/// every process on the machine, every tick.
/// </summary>
public static class StatParser
{
    /// <summary>Clock ticks per second of the stat file's times: USER_HZ, 100 on every architecture CowPages reads.</summary>
    public const int UserHz = 100;

    /// <summary>The fields CowPages uses.</summary>
    /// <param name="State">The one-letter state: R, S, D, Z (zombie), ...</param>
    /// <param name="ParentId">PPid: the parent's PID, 0 for init and kthreadd.</param>
    /// <param name="StartTicks">Field 22, starttime: when the process started, in USER_HZ ticks since boot.</param>
    public readonly record struct Fields(char State, int ParentId, ulong StartTicks)
    {
        /// <summary><see cref="StartTicks"/> as time since boot.</summary>
        public TimeSpan StartTime => TimeSpan.FromTicks((long)StartTicks * (TimeSpan.TicksPerSecond / UserHz));
    }

    /// <summary>Parses the line. The path and PID only label errors.</summary>
    /// <exception cref="ProcfsException">The line has no <c>)</c>, too few fields, or a field is not a number.</exception>
    public static Fields Parse(ReadOnlySpan<byte> text, string path, int? processId)
    {
        int close = text.LastIndexOf((byte)')');
        if (close < 0)
        {
            throw ProcfsException.Malformed(path, processId, "the command name's closing parenthesis is missing");
        }
        ReadOnlySpan<byte> rest = text[(close + 1)..];
        char state = '?';
        int parentId = 0;
        // Counted from the state, field 3: ppid is field 4, starttime field 22.
        for (int field = 3; field <= 22; field++)
        {
            rest = rest.TrimStart((byte)' ');
            int end = rest.IndexOfAny((byte)' ', (byte)'\n');
            ReadOnlySpan<byte> value = end < 0 ? rest : rest[..end];
            if (value.IsEmpty)
            {
                throw ProcfsException.Malformed(path, processId, $"field {field} is missing");
            }
            switch (field)
            {
                case 3:
                    state = (char)value[0];
                    break;
                case 4:
                    parentId = Utf8Parser.TryParse(value, out int ppid, out int used) && used == value.Length ? ppid
                        : throw ProcfsException.Malformed(path, processId, "the parent PID (field 4) is not a number");
                    break;
                case 22:
                    return Utf8Parser.TryParse(value, out ulong start, out used) && used == value.Length
                        ? new Fields(state, parentId, start)
                        : throw ProcfsException.Malformed(path, processId, "the start time (field 22) is not a number");
            }
            rest = end < 0 ? ReadOnlySpan<byte>.Empty : rest[end..];
        }
        throw new InvalidOperationException("unreachable: field 22 returns");
    }
}
