package io.committed.raft;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
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

  private static final Set<String> COMMITTED_PUBLIC_PACKAGES =
      Set.of("io.committed", "io.committed.api", "io.committed.spi", "io.committed.engine");

  private static boolean allowedInSignature(JavaClass type) {
    String p = type.getPackageName();
    return type.isPrimitive() || type.isArray() && allowedInSignature(type.getBaseComponentType())
        || p.startsWith("java.") || COMMITTED_PUBLIC_PACKAGES.contains(p) || p.equals("io.committed.raft") && type.getModifiers().contains(JavaModifier.PUBLIC);
  }

  private static final ArchCondition<JavaClass> EXPOSE_ONLY_JDK_AND_COMMITTED_TYPES =
      new ArchCondition<>("expose only JDK and Committed public types in public signatures") {
        @Override
        public void check(JavaClass c, ConditionEvents events) {
          List<String> problems = new ArrayList<>();
          for (JavaCodeUnit m : c.getCodeUnits()) {
            if (!m.getModifiers().contains(JavaModifier.PUBLIC) && !m.getModifiers().contains(JavaModifier.PROTECTED)) {
              continue;
            }
            List<JavaType> types = new ArrayList<>(m.getParameterTypes());
            types.add(m.getReturnType());
            for (JavaType t : types) {
              for (JavaClass raw : t.getAllInvolvedRawTypes()) {
                if (!allowedInSignature(raw)) {
                  problems.add(m.getFullName() + " uses " + raw.getName());
                }
              }
            }
          }
          problems.forEach(p -> events.add(SimpleConditionEvent.violated(c, p)));
        }
      };

  @Test
  void theFactoryIsThePackagesOnlyPublicType() {
    classes().that().arePublic().should().haveFullyQualifiedName(RaftEngineFactory.class.getName()).check(CLASSES);
  }

  @Test
  void publicSignaturesUseNoJraftBoltOrChronicleType() {
    classes().that().arePublic().should(EXPOSE_ONLY_JDK_AND_COMMITTED_TYPES).check(CLASSES);
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
