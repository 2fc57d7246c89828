package io.committed.internal.state;

import io.committed.ConfigFormat;
import io.committed.ConfigKind;
import io.committed.internal.codec.BytesReader;
import io.committed.internal.codec.BytesWriter;
import io.committed.internal.codec.CorruptDataException;

/**
 * The wire form of {@link Command}s: a tag byte, then the fields in declaration order. Tags are
 * part of the replicated format and must never be reused.
 */
public final class CommandCodec {
  private static final int WRITE = 1;
  private static final int INGEST_POSITION = 2;
  private static final int SET_INGEST_PARKED = 3;
  private static final int CHECKPOINT = 4;
  private static final int RESET_SYNCABLE = 5;
  private static final int ADD_DEAD_LETTER = 6;
  private static final int SETTLE_DEAD_LETTER = 7;
  private static final int PUT_CONFIG = 8;
  private static final int ROLLBACK_CONFIG = 9;
  private static final int REMOVE_CONFIG = 10;
  private static final int WRITE_PART = 11;
  private static final int BARRIER = 12;
  private static final int OPEN_CONSUMER = 13;
  private static final int ACK_CONSUMER = 14;
  private static final int REMOVE_CONSUMER = 15;
  private static final int REQUEST_INGEST_SNAPSHOT = 16;
  private static final int SCRUB = 17;

  // Wire codes of enums: the position in these arrays, independent of declaration order.
  private static final ConfigKind[] KINDS = {
    ConfigKind.TYPE, ConfigKind.DATABASE, ConfigKind.INGESTABLE, ConfigKind.SYNCABLE
  };
  private static final ConfigFormat[] FORMATS = {ConfigFormat.TOML, ConfigFormat.JSON};

  private CommandCodec() {}

  public static byte[] encode(Command command) {
    BytesWriter out = new BytesWriter(command instanceof Command.Write w ? w.body().length + 32 : 64);
    return command.accept(new Encoder(out)).toByteArray();
  }

  /** Writes a command's tag and fields. */
  private record Encoder(BytesWriter out) implements Command.Visitor<BytesWriter> {
    @Override
    public BytesWriter write(Command.Write w) {
      return writeMark(out.u8(WRITE).bytes(w.body()), w.ingest());
    }

    @Override
    public BytesWriter writePart(Command.WritePart p) {
      return out.u8(WRITE_PART).string(p.ingestableId()).varLong(p.serial()).varInt(p.part()).varInt(p.parts())
          .bytes(p.body()).varLong(p.sequence()).bytes(p.state());
    }

    @Override
    public BytesWriter ingestPosition(Command.IngestPosition p) {
      return writeMark(out.u8(INGEST_POSITION), p.mark());
    }

    @Override
    public BytesWriter setIngestParked(Command.SetIngestParked p) {
      return out.u8(SET_INGEST_PARKED).string(p.ingestableId()).bool(p.parked()).string(p.reason());
    }

    @Override
    public BytesWriter checkpoint(Command.Checkpoint c) {
      return out.u8(CHECKPOINT).string(c.syncableId()).varLong(c.epoch()).varLong(c.index());
    }

    @Override
    public BytesWriter resetSyncable(Command.ResetSyncable r) {
      return out.u8(RESET_SYNCABLE).string(r.syncableId());
    }

    @Override
    public BytesWriter addDeadLetter(Command.AddDeadLetter d) {
      return out.u8(ADD_DEAD_LETTER).string(d.syncableId()).varLong(d.index()).varLong(d.timestampMicros())
          .string(d.message());
    }

    @Override
    public BytesWriter settleDeadLetter(Command.SettleDeadLetter d) {
      return out.u8(SETTLE_DEAD_LETTER).string(d.syncableId()).varLong(d.index()).bool(d.remove());
    }

    @Override
    public BytesWriter putConfig(Command.PutConfig p) {
      return out.u8(PUT_CONFIG).u8(kindCode(p.kind())).string(p.id()).varInt(p.expectedVersion())
          .u8(formatCode(p.format())).bytes(p.document()).varLong(p.timestampMicros());
    }

    @Override
    public BytesWriter rollbackConfig(Command.RollbackConfig r) {
      return out.u8(ROLLBACK_CONFIG).u8(kindCode(r.kind())).string(r.id()).varInt(r.expectedVersion())
          .varInt(r.toVersion()).varLong(r.timestampMicros());
    }

    @Override
    public BytesWriter removeConfig(Command.RemoveConfig r) {
      return out.u8(REMOVE_CONFIG).u8(kindCode(r.kind())).string(r.id()).varLong(r.timestampMicros());
    }

    @Override
    public BytesWriter barrier(Command.Barrier b) {
      return out.u8(BARRIER);
    }

    @Override
    public BytesWriter openConsumer(Command.OpenConsumer c) {
      out.u8(OPEN_CONSUMER).string(c.name()).varInt(c.types().size());
      c.types().forEach(out::string);
      return out.varLong(c.acknowledged());
    }

    @Override
    public BytesWriter ackConsumer(Command.AckConsumer c) {
      return out.u8(ACK_CONSUMER).string(c.name()).varLong(c.index());
    }

    @Override
    public BytesWriter removeConsumer(Command.RemoveConsumer c) {
      return out.u8(REMOVE_CONSUMER).string(c.name());
    }

    @Override
    public BytesWriter requestIngestSnapshot(Command.RequestIngestSnapshot r) {
      out.u8(REQUEST_INGEST_SNAPSHOT).string(r.ingestableId()).varInt(r.tables().size());
      r.tables().forEach(out::string);
      return out.varLong(r.timestampMicros());
    }

    @Override
    public BytesWriter scrub(Command.Scrub c) {
      out.u8(SCRUB).string(c.typeId()).varInt(c.keys().size());
      c.keys().forEach(out::bytes);
      return out.varLong(c.timestampMicros()).string(c.reason());
    }
  }

  public static Command decode(byte[] bytes) {
    BytesReader in = new BytesReader(bytes);
    int tag = in.u8();
    Command c = switch (tag) {
      case WRITE -> new Command.Write(in.bytes(), readMark(in));
      case INGEST_POSITION -> {
        Command.IngestMark m = readMark(in);
        if (m == null) {
          throw new CorruptDataException("ingest position without a mark");
        }
        yield new Command.IngestPosition(m);
      }
      case WRITE_PART -> new Command.WritePart(in.string(), in.varLong(), in.varInt(), in.varInt(), in.bytes(),
          in.varLong(), in.bytes());
      case SET_INGEST_PARKED -> new Command.SetIngestParked(in.string(), in.bool(), in.string());
      case CHECKPOINT -> new Command.Checkpoint(in.string(), in.varLong(), in.varLong());
      case RESET_SYNCABLE -> new Command.ResetSyncable(in.string());
      case ADD_DEAD_LETTER -> new Command.AddDeadLetter(in.string(), in.varLong(), in.varLong(), in.string());
      case SETTLE_DEAD_LETTER -> new Command.SettleDeadLetter(in.string(), in.varLong(), in.bool());
      case PUT_CONFIG -> new Command.PutConfig(kindAt(in.u8()), in.string(), in.varInt(), formatAt(in.u8()), in.bytes(), in.varLong());
      case ROLLBACK_CONFIG -> new Command.RollbackConfig(kindAt(in.u8()), in.string(), in.varInt(), in.varInt(), in.varLong());
      case REMOVE_CONFIG -> new Command.RemoveConfig(kindAt(in.u8()), in.string(), in.varLong());
      case BARRIER -> new Command.Barrier();
      case OPEN_CONSUMER -> new Command.OpenConsumer(in.string(), readStrings(in), in.varLong());
      case ACK_CONSUMER -> new Command.AckConsumer(in.string(), in.varLong());
      case REMOVE_CONSUMER -> new Command.RemoveConsumer(in.string());
      case REQUEST_INGEST_SNAPSHOT -> new Command.RequestIngestSnapshot(in.string(), readStrings(in), in.varLong());
      case SCRUB -> new Command.Scrub(in.string(), readByteArrays(in), in.varLong(), in.string());
      default -> throw new CorruptDataException("unknown command tag " + tag);
    };
    in.expectEnd("command " + tag);
    return c;
  }

  static java.util.List<String> readStrings(BytesReader in) {
    int n = in.varInt();
    java.util.List<String> out = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(in.string());
    }
    return out;
  }

  static java.util.List<byte[]> readByteArrays(BytesReader in) {
    int n = in.varInt();
    if (n > in.remaining()) {
      throw new CorruptDataException("a list claims " + n + " byte strings in " + in.remaining() + " bytes");
    }
    java.util.List<byte[]> out = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(in.bytes());
    }
    return out;
  }

  private static BytesWriter writeMark(BytesWriter out, Command.IngestMark m) {
    if (m == null) {
      return out.u8(0);
    }
    return out.u8(1).string(m.ingestableId()).varLong(m.serial()).varLong(m.sequence()).bytes(m.state());
  }

  private static Command.IngestMark readMark(BytesReader in) {
    return in.bool() ? new Command.IngestMark(in.string(), in.varLong(), in.varLong(), in.bytes()) : null;
  }

  static int kindCode(ConfigKind kind) {
    return code(KINDS, kind);
  }

  static int formatCode(ConfigFormat format) {
    return code(FORMATS, format);
  }

  static ConfigKind kindAt(int code) {
    if (code < 0 || code >= KINDS.length) {
      throw new CorruptDataException("unknown config kind " + code);
    }
    return KINDS[code];
  }

  static ConfigFormat formatAt(int code) {
    if (code < 0 || code >= FORMATS.length) {
      throw new CorruptDataException("unknown config format " + code);
    }
    return FORMATS[code];
  }

  private static <T> int code(T[] codes, T value) {
    for (int i = 0; i < codes.length; i++) {
      if (codes[i] == value) {
        return i;
      }
    }
    throw new IllegalArgumentException("no wire code for " + value);
  }
}
