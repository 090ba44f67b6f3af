package dev.plasma.autoconfigure;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.plasma.identity.AnonymousSyncUserResolver;
import dev.plasma.identity.SpringSecuritySyncUserResolver;
import dev.plasma.identity.SyncUserResolver;

/**
 * Who a sync request runs for: the application's {@link SyncUserResolver} bean if it declares one, else
 * Spring Security's {@code Authentication} when Spring Security is on the classpath, else one anonymous
 * user for every request, announced by one WARN line at start-up.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(HttpServletRequest.class)
@Import({ PlasmaIdentityAutoConfiguration.SpringSecurityResolverConfiguration.class,
		PlasmaIdentityAutoConfiguration.AnonymousResolverConfiguration.class })
public final class PlasmaIdentityAutoConfiguration {

	private static final String SPRING_SECURITY_AUTHENTICATION = "org.springframework.security.core.Authentication";

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = SPRING_SECURITY_AUTHENTICATION)
	static class SpringSecurityResolverConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SyncUserResolver plasmaSyncUserResolver() {
			return new SpringSecuritySyncUserResolver();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass(SPRING_SECURITY_AUTHENTICATION)
	static class AnonymousResolverConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SyncUserResolver plasmaAnonymousSyncUserResolver() {
			LogFactory.getLog(PlasmaIdentityAutoConfiguration.class)
				.warn("Plasma: neither Spring Security nor a SyncUserResolver bean is present, so every sync request "
						+ "runs as the one user '" + SyncUserResolver.ANONYMOUS + "' and any client may use any client "
						+ "group. Add Spring Security or declare a SyncUserResolver bean.");
			return new AnonymousSyncUserResolver();
		}

	}

}
