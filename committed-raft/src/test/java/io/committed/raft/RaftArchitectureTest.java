package io.committed.raft;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The raft engine is reached only through its factory, keeps JRaft, SOFABolt and Chronicle types to
 * itself, uses only core's public packages (STYLE.md, guideline 1), and waits without sleeping.
 */
class RaftArchitectureTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.committed.raft");

  /** What a public member may mention: the JDK, Committed's public packages, this package's public types. */
  private static boolean exposable(JavaClass type) {
    JavaClass t = type.isArray() ? type.getBaseComponentType() : type;
    String p = t.getPackageName();
    return t.isPrimitive() || p.startsWith("java.") || Set.of("io.committed", "io.committed.api", "io.committed.spi",
        "io.committed.engine").contains(p) || t.getModifiers().contains(JavaModifier.PUBLIC) && p.equals("io.committed.raft");
  }

  private static final ArchCondition<JavaCodeUnit> MENTION_ONLY_EXPOSABLE_TYPES =
      new ArchCondition<>("mention only JDK and Committed public types") {
        @Override
        public void check(JavaCodeUnit m, ConditionEvents events) {
          List<JavaType> types = new ArrayList<>(m.getParameterTypes());
          types.add(m.getReturnType());
          types.stream().flatMap(t -> t.getAllInvolvedRawTypes().stream()).filter(raw -> !exposable(raw)).distinct()
              .forEach(raw -> events.add(SimpleConditionEvent.violated(m, m.getFullName() + " uses " + raw.getName())));
        }
      };

  /**
   * JRaft's own service loader instantiates its transport factory with {@code Class.newInstance},
   * which needs a public class; it extends JRaft's factory, so its signatures are JRaft's.
   */
  private static final String TRANSPORT = PeerTlsRpcFactory.class.getName();

  @Test
  void theFactoryIsThePackagesOnlyPublicType() {
    classes().that().arePublic().and().doNotHaveFullyQualifiedName(TRANSPORT).should()
        .haveFullyQualifiedName(RaftEngineFactory.class.getName()).check(CLASSES);
  }

  @Test
  void publicSignaturesUseNoJraftBoltOrChronicleType() {
    codeUnits().that().areDeclaredInClassesThat().arePublic().and().areDeclaredInClassesThat()
        .doNotHaveFullyQualifiedName(TRANSPORT).and(DescribedPredicate.describe("public or protected",
            (JavaCodeUnit m) -> m.getModifiers().contains(JavaModifier.PUBLIC)
                || m.getModifiers().contains(JavaModifier.PROTECTED)))
        .should(MENTION_ONLY_EXPOSABLE_TYPES).check(CLASSES);
  }

  @Test
  void theEngineUsesOnlyCoresPublicPackages() {
    noClasses().should().dependOnClassesThat().resideInAPackage("io.committed.internal..").check(CLASSES);
  }

  @Test
  void nothingWaitsBySleepingOrParking() {
    noClasses().should().callMethodWhere(DescribedPredicate.describe("Thread.sleep or LockSupport.park*",
            (JavaMethodCall call) -> call.getTarget().getOwner().isEquivalentTo(Thread.class) && call.getName().equals("sleep")
                || call.getTarget().getOwner().isEquivalentTo(LockSupport.class) && call.getName().startsWith("park")))
        .check(CLASSES);
  }
}
